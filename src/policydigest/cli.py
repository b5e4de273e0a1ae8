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

from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.ingest.importer import FileResult, expand_paths, import_paths
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
    return open_store(state.get_settings().database_url)


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
    """Run the demo: import the sample bulletins into a fresh SQLite store and show the newest issue."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    state.db = f"sqlite:///{db}"
    state.settings = None
    store = _open_store()
    report = import_paths([SAMPLE_DIR], store, state.get_settings(), on_file=_print_file_result)
    if report.failed:
        raise fail("the sample bulletins did not import", "this is a bug; please report it")
    newest = store.list_issues()[0]
    render_issue(console, store.get_issue(newest.total_number), full=False)
    console.print(f"\nStore: {db}  (try: policydigest --db {db} issues)")
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
