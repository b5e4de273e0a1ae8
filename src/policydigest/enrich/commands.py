"""Command line of enrichment: ``enrich``, ``analyze`` and ``fit-columns`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.errors import NotFoundError, PolicydigestError


def enrich_command(
    all_articles: Annotated[bool, typer.Option("--all", help="Enrich every stored article.")] = False,
    issue: Annotated[int | None, typer.Option("--issue", help="Only the articles of this 总期 number.")] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="Run only this stage (repeatable); default: the enrich_stages setting."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo articles that are already up to date.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")] = False,
) -> None:
    """Enrich stored articles: facts, topics, column, summary, near-duplicates (resumable)."""
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.enrich.runner import enrich_store

    if all_articles == (issue is not None):
        raise fail("say which articles to enrich", "use --all, or --issue N for one issue")
    try:
        pipeline = build_pipeline(state.get_settings(), stage)
    except PolicydigestError as exc:
        raise fail(str(exc), "see `policydigest config` for enrich_stages and the other settings") from None
    if not as_json:
        err_console.print(f"[dim]stages: {', '.join(pipeline.names) or 'none'}[/]")
    store = open_cli_store()
    with progress_bars(hidden=as_json) as progress:
        task = progress.add_task("enriching", total=None)
        try:
            report = enrich_store(
                store,
                pipeline,
                issue=issue,
                force=force,
                on_total=lambda n: progress.update(task, total=n),
                on_article=lambda: progress.advance(task),
            )
        except NotFoundError as exc:
            raise fail(str(exc)) from None
    if as_json:
        console.print_json(data=report.as_dict())
        return
    console.print(
        f"{report.considered} article(s): {report.enriched} enriched, {report.up_to_date} already up to date"
        + (f", [yellow]{report.with_errors} with stage errors[/]" if report.with_errors else "")
    )
    if pipeline.duplicates is not None:
        groups, updated = report.duplicate_groups, report.duplicates_updated
        console.print(f"near-duplicates: {groups} group(s), {updated} article(s) updated")


def analyze_command(
    file: Annotated[str, typer.Argument(help="A text file (first line the title, the rest the body), or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Run the enrichment pipeline on one raw article without storing it."""
    from policydigest.enrich.analyze import ANALYZE_STAGES, analysis, article_from_text, render_analysis
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.ingest.decoding import decode_text

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}") from None
    try:
        article = article_from_text(decode_text(data)[0] if data.strip() else "")
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    try:
        pipeline = build_pipeline(state.get_settings(), ANALYZE_STAGES)
    except PolicydigestError as exc:
        raise fail(str(exc), "see `policydigest config`") from None
    result, errors = analysis(article, pipeline)
    for name, message in errors.items():
        err_console.print(f"[yellow]warning:[/] stage {name} failed: {escape(message)}")
    if as_json:
        console.print_json(data=result, ensure_ascii=False)
    else:
        render_analysis(console, article, result)


def fit_columns_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the fitted weights (JSON).")] = Path(
        "column_weights.json"
    ),
    l2: Annotated[float, typer.Option("--l2", help="Pull towards the domain priors (higher: stay closer).")] = 1.0,
) -> None:
    """Fit the column model to the stored issues (their editors' columns) and judge it leave-one-issue-out."""
    from policydigest.enrich.column import ROLES, Feature
    from policydigest.enrich.column_fit import fit, leave_one_issue_out
    from policydigest.enrich.pipeline import ColumnStage

    settings = state.get_settings()
    stage = ColumnStage(settings, None)
    issues: dict[int, list[tuple[str, list[Feature], str]]] = {}
    for found in open_cli_store().iter_issues():
        for article in found.articles:
            if article.column in stage.columns:
                role = ROLES[stage.columns.index(article.column)]
                issues.setdefault(found.total_number, []).append((article.title, stage.features_of(article), role))
    if len(issues) < 2:
        raise fail("fitting needs at least two stored issues with columns", "import more issues first")
    judged = leave_one_issue_out(issues, l2=l2)
    right = sum(j.right for j in judged)
    console.print(f"leave-one-issue-out accuracy: {right}/{len(judged)} = {right / len(judged):.1%}")
    for j in judged:
        if not j.right:
            console.print(f"  [yellow]miss[/] 总第{j.issue}期 {escape(j.title)}: {j.truth} → {j.predicted}")
    examples = [(fired, role) for rows in issues.values() for _, fired, role in rows]
    numbers = "/".join(str(n) for n in sorted(issues))
    model = fit(examples, l2=l2, label=f"{len(examples)} articles of the issues 总第{numbers}期")
    model.save(out)
    console.print(f'wrote {out}; use it with column_model_file = "{out}"')
