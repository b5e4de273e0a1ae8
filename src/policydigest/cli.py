"""The ``policydigest`` command line (typer + rich)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.compose.commands import draft_app, publish_command, render_command
from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.delivery import commands as delivery_commands
from policydigest.desk.commands import audit_command, users_app
from policydigest.enrich import commands as enrich_commands
from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.ingest import commands as ingest_commands
from policydigest.ingest.importer import FileResult, ImportReport, expand_paths, import_paths
from policydigest.intel import commands as intel_commands
from policydigest.jobs import commands as jobs_commands
from policydigest.search import commands as search_commands
from policydigest.settings import Settings
from policydigest.store import commands as store_commands
from policydigest.store.export import export_json, export_jsonl
from policydigest.terminal import render_issue
from policydigest.web import commands as web_commands


class ExportFormat(StrEnum):
    """Export formats."""

    json = "json"
    jsonl = "jsonl"


app = typer.Typer(
    help="policydigest: import, enrich, search and publish a bulletin on China's digital economy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(draft_app, name="draft")
app.command("publish")(publish_command)
app.command("render")(render_command)
app.add_typer(users_app, name="users")
app.command("audit")(audit_command)


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
    if enrich is not None:
        settings = settings.model_copy(update={"enrich_on_import": enrich})
    store = open_cli_store()
    files = expand_paths(paths)
    if not files:
        raise fail("no bulletin files found", "name .txt, .md or .pdf files, or folders holding them")
    with progress_bars(hidden=as_json) as progress:
        task = progress.add_task("importing", total=len(files), visible=len(files) > 1)
        enriching = progress.add_task("enriching", total=None, visible=False)

        def report_file(result: FileResult) -> None:
            progress.advance(task)
            if not as_json:
                _print_file_result(result)

        report = import_paths(
            files,
            store,
            settings,
            replace=replace,
            on_file=report_file,
            on_enrich_total=lambda total: progress.update(enriching, total=total, visible=True),
            on_enriched=lambda: progress.advance(enriching),
        )
    if report.enrichment is not None and not as_json:
        done = report.enrichment
        console.print(f"enriched {done.enriched} article(s); {done.duplicate_groups} near-duplicate group(s)")
    if as_json:
        console.print_json(data=report.as_dict())
    if report.failed:
        if not as_json:
            err_console.print(f"[red]{len(report.failed)} of {len(report.files)} file(s) failed[/]")
        raise typer.Exit(1)


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
    summaries = open_cli_store().list_issues()
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
        found = open_cli_store().get_issue(_parse_issue_ref(issue))
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
    store = open_cli_store()
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
    from policydigest.profile import profile_for

    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    state.db = f"sqlite:///{db}"
    state.settings = None
    store = open_cli_store()
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
    from policydigest.desk.accounts import demo_accounts

    console.print("\nDesk accounts (one per role; the passwords are new on every run):", highlight=False)
    for name, role, password in demo_accounts(store):
        console.print(f"  {name:18} {role.value:12} password: {password}", soft_wrap=True, highlight=False)
    console.print(
        f"Open the desk: policydigest --db {db} serve, then http://{settings.web_host}:{settings.web_port}/login",
        soft_wrap=True,
        highlight=False,
    )


# ---- commands of the other stages -------------------------------------------------------------

app.command("add")(ingest_commands.add_command)
app.command("crawl")(jobs_commands.crawl_command)
app.command("watch")(ingest_commands.watch_command)
app.command("sources")(ingest_commands.sources_command)
app.command("enrich")(enrich_commands.enrich_command)
app.command("analyze")(enrich_commands.analyze_command)
app.command("fit-columns")(enrich_commands.fit_columns_command)
app.command("search")(search_commands.search_command)
app.command("reindex")(search_commands.reindex_command)
app.command("serve")(web_commands.serve_command)
app.command("migrate")(store_commands.migrate_command)
app.command("backup")(store_commands.backup_command)
app.command("restore")(store_commands.restore_command)
app.command("worker")(jobs_commands.worker_command)
app.command("jobs")(jobs_commands.jobs_command)
app.command("send")(jobs_commands.send_command)
app.add_typer(delivery_commands.subscribers_app, name="subscribers")
app.add_typer(delivery_commands.alerts_app, name="alerts")
app.command("bounces")(delivery_commands.bounces_command)
app.command("intel")(intel_commands.intel_command)
app.command("documents")(intel_commands.documents_command)
app.command("follow-ups")(intel_commands.follow_ups_command)
app.command("targets")(intel_commands.targets_command)
app.command("compare")(intel_commands.compare_command)
