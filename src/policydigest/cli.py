"""The ``policydigest`` command line (typer + rich)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from policydigest.compose.commands import draft_app, publish_command, render_command
from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.ingest.importer import FileResult, ImportReport, expand_paths, import_paths
from policydigest.search import Query, SearchResult, SortOrder, attach_search_index, index_folder, rebuild_index
from policydigest.settings import Settings, load_settings
from policydigest.store import Store, open_store
from policydigest.store.export import export_json, export_jsonl
from policydigest.terminal import render_issue

SAMPLE_DIR = Path(__file__).with_name("data") / "sample"


class ExportFormat(StrEnum):
    """Export formats."""

    json = "json"
    jsonl = "jsonl"


app = typer.Typer(
    help="policydigest: import, enrich, search and publish a bulletin on China's digital economy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)
app.add_typer(draft_app, name="draft")
app.command("publish")(publish_command)
app.command("render")(render_command)


class State:
    """Options given before the command, turned into settings on first use."""

    db: str | None = None
    settings: Settings | None = None

    def get_settings(self) -> Settings:
        if self.settings is None:
            self.settings = load_settings(database_url=self.db)
            logging.basicConfig(level=self.settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        return self.settings


state = State()


def fail(message: str, hint: str | None = None, code: int = 1) -> typer.Exit:
    """Print a one-line error (and what to do next) and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    if hint:
        err_console.print(f"[dim]hint:[/] {hint}")
    return typer.Exit(code)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Store to use: a SQLite file path or a database URL (overrides POLICYDIGEST_DATABASE_URL)."
        ),
    ] = None,
) -> None:
    """Global options."""
    if db is not None and "://" not in db:
        db = f"sqlite:///{db}"
    state.db = db
    state.settings = None


@app.command("config")
def show_config() -> None:
    """Show every setting, its value and what it does."""
    settings = state.get_settings()
    table = Table("setting", "value", "help")
    for name, field in Settings.model_fields.items():
        table.add_row(name, repr(getattr(settings, name)), field.description or "")
    console.print(table)


def run() -> None:
    """Entry point that turns expected errors into one line instead of a traceback."""
    try:
        app()
    except PolicydigestError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise SystemExit(1) from None


# ---- bulletin import and read-back ---------------------------------------------------------------


def _open_store() -> Store:
    store = open_store(state.get_settings().database_url)
    attach_search_index(store, state.get_settings())  # every write reaches the search index too
    return store


def _parse_issue_ref(ref: str) -> int:
    digits = "".join(ch for ch in ref if ch.isdigit())
    if not digits:
        raise fail(f"not an issue number: {ref!r}", "give the 总期 number, e.g. 176 (see `policydigest issues`)")
    return int(digits)


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Bulletin files (.txt, .md, .pdf) or folders of them.")],
    replace: Annotated[bool, typer.Option("--replace", help="Update issues that are already stored.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")] = False,
    enrich: Annotated[
        bool | None,
        typer.Option("--enrich/--no-enrich", help="Enrich the new articles afterwards (setting enrich_on_import)."),
    ] = None,
) -> None:
    """Import bulletin issues; a bad file is reported and skipped, never aborting the batch."""
    settings = state.get_settings()
    store = _open_store()
    files = expand_paths(paths)
    if not files:
        raise fail("no bulletin files found", "name .txt, .md or .pdf files, or folders holding them")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        disable=as_json or len(files) < 2,
        transient=True,
    ) as progress:
        task = progress.add_task("importing", total=len(files))

        def report_file(result: FileResult) -> None:
            progress.advance(task)
            if not as_json:
                _print_file_result(result)

        report = import_paths(files, store, settings, replace=replace, on_file=report_file)
    changed = any(result.status in ("created", "replaced") for result in report.files)
    if changed and (settings.enrich_on_import if enrich is None else enrich):
        _enrich_new_articles(settings, store, quiet=as_json)
    if as_json:
        console.print_json(data=report.as_dict())
    if report.failed:
        if not as_json:
            err_console.print(f"[red]{len(report.failed)} of {len(report.files)} file(s) failed[/]")
        raise typer.Exit(1)


def _enrich_new_articles(settings: Settings, store: Store, *, quiet: bool) -> None:
    """Enrich what the import added; articles already current are skipped by the runner."""
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.enrich.runner import enrich_store

    with Progress(
        TextColumn("enriching"), BarColumn(), MofNCompleteColumn(), console=err_console, disable=quiet, transient=True
    ) as progress:
        task = progress.add_task("enriching", total=None)
        report = enrich_store(
            store,
            build_pipeline(settings),
            on_total=lambda total: progress.update(task, total=total),
            on_article=lambda: progress.advance(task),
        )
    if not quiet:
        console.print(f"enriched {report.enriched} article(s); {report.duplicate_groups} near-duplicate group(s)")


def _print_file_result(result: FileResult) -> None:
    styles = {"created": "green", "replaced": "yellow", "unchanged": "dim", "skipped": "yellow", "failed": "red"}
    status = f"[{styles.get(result.status, 'white')}]{result.status:9}[/]"
    if result.status == "failed":
        console.print(f"{status} {result.path}: {result.reason}")
        return
    console.print(f"{status} {result.path}: {result.issue}, {result.articles} articles")
    if result.reason:
        console.print(f"          {result.reason}")
    for warning in result.warnings:
        console.print(f"          [yellow]warning:[/] {escape(warning)}")


@app.command("issues")
def issues_command() -> None:
    """List the stored issues, newest first."""
    summaries = _open_store().list_issues()
    if not summaries:
        console.print("No issues stored yet. Import some with `policydigest import PATH`.")
        return
    table = Table("总期", "期", "date", "series", "articles", "cover headline")
    for s in summaries:
        table.add_row(str(s.total_number), str(s.number), s.date, s.series, str(s.articles), escape(s.cover_headline))
    console.print(table)


@app.command("show")
def show_command(
    issue: Annotated[str, typer.Argument(help="The issue's 总期 number, e.g. 176.")],
    full: Annotated[bool, typer.Option("--full", help="Print every paragraph, not just the lead.")] = False,
) -> None:
    """Show one issue in the terminal: masthead, contents and articles."""
    try:
        found = _open_store().get_issue(_parse_issue_ref(issue))
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    render_issue(console, found, full=full)


@app.command("export")
def export_command(
    issue: Annotated[int | None, typer.Option("--issue", help="Only this 总期 number.")] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json (one document) or jsonl (an issue a line).")
    ] = ExportFormat.json,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Export issues with their contents and articles (shape documented in the README)."""
    store = _open_store()
    try:
        issues = [store.get_issue(issue)] if issue is not None else list(store.iter_issues())
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    text = export_json(issues) if fmt is ExportFormat.json else export_jsonl(issues)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {len(issues)} issue(s) to {out}")


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's store and files.")] = Path("demo-output"),
) -> None:
    """Run the demo end to end: import the samples, enrich, draft, publish and render an issue (PDF, HTML)."""
    from policydigest.compose.demo import run_demo
    from policydigest.compose.profile import profile_for

    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    state.db = f"sqlite:///{db}"
    state.settings = None
    store = _open_store()
    settings = state.get_settings()

    def imported(report: ImportReport) -> None:
        for result in report.files:
            _print_file_result(result)
        if report.failed:
            raise fail("the sample bulletins did not import", "this is a bug; please report it")

    result = run_demo(
        out, store, settings, profile_for(settings), on_import=imported, say=lambda line: console.print(escape(line))
    )
    render_issue(console, store.get_issue(result.total_number), full=False)
    # Paths are printed unwrapped so they can be copied whole.
    console.print(f"\nStore: {db}  (try: policydigest --db {db} draft show --all)", soft_wrap=True, highlight=False)
    console.print(f"PDF:   {result.pdf}", soft_wrap=True, highlight=False)
    console.print(f"HTML:  {result.html}", soft_wrap=True, highlight=False)


# ---- web ingest: add, crawl, watch, sources ---------------------------------------------------


class _CrawlBars:
    """Rich progress bars for a crawl: one bar per source."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def source(self, name: str, items: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        self.task = self.progress.add_task(name, total=max(items, 0))

    def advance(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@app.command("add")
def add_command(
    inputs: Annotated[list[str], typer.Argument(help="URLs of web pages, or saved HTML files.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was extracted as JSON.")] = False,
) -> None:
    """Store (and enrich) web pages or saved pages as articles."""
    from policydigest.ingest.add import add_inputs

    settings = state.get_settings()
    store = open_store(settings.database_url)
    with _progress() as progress:
        task = progress.add_task("adding", total=len(inputs))
        outcomes = add_inputs(inputs, settings, store, advance=lambda: progress.advance(task))
    if as_json:
        payload = [
            {
                "input": o.input,
                "status": o.status,
                "article_id": o.article_id,
                "reason": o.reason or None,
                "article": o.article.model_dump(mode="json") if o.article is not None else None,
            }
            for o in outcomes
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        table = Table("input", "status", "article", "title / reason")
        for o in outcomes:
            detail = o.article.title if o.article is not None else o.reason
            table.add_row(escape(o.input), o.status, str(o.article_id or ""), escape(detail))
        console.print(table)
    if any(o.status in ("failed", "blocked", "no body") for o in outcomes):
        raise typer.Exit(1)


@app.command("crawl")
def crawl_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Source catalogue (TOML); default: setting catalogue_file.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Run every enabled source, due or not.")] = False,
) -> None:
    """Run every due source of the catalogue once: new links fetched, extracted, stored."""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.crawl import crawl_once

    settings = state.get_settings()
    specs = load_catalogue(catalogue or settings.catalogue_file)
    store = open_store(settings.database_url)
    with _progress() as progress:
        report = crawl_once(settings, store, catalogue=specs, force=force, progress=_CrawlBars(progress))
    table = Table("source", "links", "new", "stored", "duplicates", "no body", "failed", "error")
    for run in report.runs:
        t = run.tally
        table.add_row(
            escape(run.name),
            "304" if run.links is None and run.error is None else str(run.links or 0),
            str(run.new),
            str(t.stored),
            str(t.duplicates),
            str(t.no_body),
            str(t.failed + t.retrying + t.blocked),
            escape(run.error or ""),
        )
    console.print(table)
    console.print(f"{report.stored} stored, {report.duplicates} duplicates; {len(report.skipped)} sources not due")


@app.command("watch")
def watch_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Source catalogue (TOML); default: setting catalogue_file.")
    ] = None,
    tick: Annotated[
        float | None, typer.Option("--tick", help="Seconds between checks for due sources (setting watch_tick).")
    ] = None,
) -> None:
    """Keep crawling due sources on a schedule until Ctrl-C or SIGTERM."""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.crawl import CrawlReport, watch

    settings = state.get_settings()
    if tick is not None:
        settings = settings.model_copy(update={"watch_tick": tick})
    specs = load_catalogue(catalogue or settings.catalogue_file)
    store = open_store(settings.database_url)

    def show(report: CrawlReport) -> None:
        errors = sum(1 for run in report.runs if run.error)
        console.print(
            f"{len(report.runs)} sources run, {report.stored} stored, {report.duplicates} duplicates, "
            f"{errors} with errors"
        )

    console.print(f"watching {len(specs)} sources; Ctrl-C to stop")
    rounds = watch(settings, store, catalogue=specs, on_report=show)
    console.print(f"stopped after {rounds} round(s)")


@app.command("sources")
def sources_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Source catalogue (TOML); default: setting catalogue_file.")
    ] = None,
) -> None:
    """Show every source's health: last success, last new item, errors, items per week, flags."""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.health import Health, source_health
    from policydigest.store.sources import SourceRepository

    settings = state.get_settings()
    specs = load_catalogue(catalogue or settings.catalogue_file)
    report = source_health(SourceRepository(open_store(settings.database_url)).states(), specs, settings)
    colours = {Health.OK: "green", Health.WARNING: "yellow", Health.FAILING: "red", Health.NEVER_RUN: "dim"}
    table = Table(
        "source", "kind", "health", "last success", "last new item", "errors", "items/week", "verified", "flags"
    )

    def when(value: dt.datetime | None) -> str:
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"

    for h in report:
        s = h.state
        table.add_row(
            escape(h.name),
            h.kind,
            f"[{colours[h.health]}]{h.health.value}[/]",
            when(s.last_success_at if s else None),
            when(s.last_new_item_at if s else None),
            str(s.error_streak if s else 0),
            f"{h.items_per_week:.1f}",
            {True: "yes", False: "no", None: "—"}[h.verified],
            escape("; ".join(h.flags)),
        )
    console.print(table)


# ---- enrichment (issue 3) ------------------------------------------------------------------------


@app.command("enrich")
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
    store = _open_store()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        disable=as_json,
        transient=True,
    ) as progress:
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


@app.command("analyze")
def analyze_command(
    file: Annotated[str, typer.Argument(help="A text file (first line the title, the rest the body), or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Run the enrichment pipeline on one raw article without storing it."""
    from policydigest.enrich.analyze import ANALYZE_STAGES, analysis, article_from_text, render_analysis
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.ingest.bulletin.reader import decode_text

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


@app.command("fit-columns")
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
    for found in _open_store().iter_issues():
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


# ---- search -----------------------------------------------------------------------------------------


def _terminal_markup(html_text: str) -> str:
    """A snippet's HTML (escaped text, <mark>) as rich markup."""
    import html

    parts = html_text.replace("</mark>", "<mark>").split("<mark>")
    pieces = (escape(html.unescape(part)) for part in parts)
    return "".join(f"[bold yellow]{p}[/]" if i % 2 else p for i, p in enumerate(pieces))


def _result_json(result: SearchResult) -> dict[str, object]:
    hits = [
        {
            "id": h.id,
            "title": h.title,
            "column": h.column,
            "date": h.date.isoformat() if h.date else None,
            "score": h.score,
            "snippet": h.snippet,
        }
        for h in result.hits
    ]
    facets = {name: [c.model_dump() for c in counts] for name, counts in result.facets.items()}
    return {
        "query": result.query.text,
        "searched": result.searched,
        "total": result.total,
        "hits": hits,
        "facets": facets,
    }


@app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help='Words (all must occur), "phrases", prefix*, -exclusions.')] = "",
    column: Annotated[list[str] | None, typer.Option("--column", help="Only this column (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="Region; 贵州 includes 贵阳.")] = None,
    authority: Annotated[list[str] | None, typer.Option("--authority", help="Issuing authority.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Document kind (办法, 方案 …).")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="Topic id or label.")] = None,
    issue: Annotated[list[int] | None, typer.Option("--issue", help="Issue 总期 number.")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Source (来源) as stored.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="On or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="On or before this day (YYYY-MM-DD).")] = None,
    sort: Annotated[SortOrder, typer.Option("--sort", help="relevance or date.")] = SortOrder.RELEVANCE,
    limit: Annotated[int, typer.Option("--limit", help="Hits to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits and facet counts as JSON.")] = False,
) -> None:
    """Search the stored articles (exact for Chinese words; traditional characters work too)."""
    from pydantic import ValidationError

    try:
        query = Query(
            text=text,
            columns=column or [],
            regions=region or [],
            authorities=authority or [],
            kinds=kind or [],
            topics=topic or [],
            issues=issue or [],
            sources=source or [],
            since=since or None,
            until=until or None,
            sort=sort,
            limit=limit,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise fail(f"bad search: {problems}", "dates are YYYY-MM-DD; --limit is 0 to 1000") from None
    store = open_store(state.get_settings().database_url)
    sync = attach_search_index(store, state.get_settings())
    if sync.folder is not None and not (sync.folder / "tantivy").is_dir():
        err_console.print(f"[dim]building the search index at {sync.folder} …[/]")
    if sync.pending():
        sync(frozenset())
    result = sync.index.search(query)
    if as_json:
        console.print_json(data=_result_json(result))
        return
    if result.split:
        console.print(f"[dim]nothing for “{escape(text)}” as written; searched {escape(result.searched)}[/]")
    console.print(f"{result.total} article(s)  [dim]({result.took_ms:.1f} ms)[/]")
    for n, hit in enumerate(result.hits, start=1 + query.offset):
        meta = " · ".join(x for x in (hit.date.isoformat() if hit.date else "", hit.column or "", f"#{hit.id}") if x)
        console.print(f"[bold]{n}. {_terminal_markup(hit.title_html)}[/]  [dim]{escape(meta)}[/]")
        console.print(f"   {_terminal_markup(hit.snippet)}")
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(f"{escape(c.value)} {c.count}" for c in counts[:8])
            console.print(f"[dim]{name}:[/] {shown}")


@app.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the store (the old one keeps serving until the new one is ready)."""
    settings = state.get_settings()
    store = open_store(settings.database_url)
    folder = index_folder(settings)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True
    ) as progress:
        task = progress.add_task("indexing", total=None)
        index = rebuild_index(
            store,
            folder,
            on_total=lambda n: progress.update(task, total=n),
            on_article=lambda: progress.advance(task),
        )
    if folder is not None:
        (folder / "pending.json").unlink(missing_ok=True)
    console.print(f"indexed {index.count()} article(s) into {folder if folder is not None else 'memory'}")


# ---- web app, API and feeds (issue 4) ------------------------------------------------------------


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (setting web_host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on (setting web_port).")] = None,
) -> None:
    """Serve the reader web app, the JSON API (/api/v1, docs at /api/v1/docs) and the feeds."""
    import uvicorn

    from policydigest.web import create_app

    settings = state.get_settings()
    application = create_app(settings)
    host, port = host or settings.web_host, port or settings.web_port
    err_console.print(f"serving {settings.database_url} on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(application, host=host, port=port, log_level=settings.log_level.lower())
