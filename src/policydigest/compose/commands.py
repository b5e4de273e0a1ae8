"""Command line of the compose stage: ``draft`` (and its editing commands), ``publish`` and ``render``.

``policydigest.cli`` registers these on the main app; the store and settings come from its global
options (``--db``), read when a command runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from policydigest.compose import edit
from policydigest.compose.draft import draft_issue, make_draft
from policydigest.compose.model import Draft
from policydigest.compose.publish import publish
from policydigest.compose.repository import DraftRepository
from policydigest.console import state
from policydigest.delivery.publishing import queue_issue
from policydigest.delivery.subscribers import count_subscribers
from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.jobs.queue import render_on_publish
from policydigest.model import Issue
from policydigest.profile import Profile, profile_for
from policydigest.settings import Settings
from policydigest.store import Store, open_store

console = Console()
err_console = Console(stderr=True)

draft_app = typer.Typer(
    help="Draft the next issue from the unpublished articles, then change it: show, move, drop, add, "
    "set-cover, retitle, renumber.",
    invoke_without_command=True,
    no_args_is_help=False,
)


class RenderFormat(StrEnum):
    """Output formats of ``policydigest render``."""

    pdf = "pdf"
    html = "html"
    email = "email"
    md = "md"
    docx = "docx"
    wechat = "wechat"


_SUFFIX = {
    "pdf": ".pdf", "html": ".html", "email": ".email.html", "md": ".md", "docx": ".docx", "wechat": ".wechat.html"
}


def _context() -> tuple[Settings, Store, Profile]:
    settings = state.get_settings()
    return settings, open_store(settings.database_url), profile_for(settings)


@contextmanager
def _errors() -> Iterator[None]:
    """Expected faults become one red line and exit status 1."""
    try:
        yield
    except PolicydigestError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err_console.print(f"[bold red]error:[/] {option} wants a date like 2025-03-28, not {value!r}")
        raise typer.Exit(2) from None


def print_draft(draft: Draft, profile: Profile, *, everything: bool = False, explain: bool = True) -> None:
    """Show a draft: numbers, cover, columns with ranked articles and why; left-out ones on request."""
    console.print(
        f"[bold]{escape(draft.series)}[/] {draft.date.year}年第{draft.number}期 总第{draft.total_number}期 "
        f"（{draft.date.isoformat()}）[dim]{draft.status.value}[/]"
    )
    console.print(f"[dim]编号：{escape(draft.numbering_reason)}｜时间窗：{draft.window_from} 至 {draft.window_to}[/]")
    console.print(f"封面标题：[bold]{escape(draft.cover_headline) or '（未设定）'}[/]")
    column = None
    for item in draft.included(profile.column_names):
        if item.column != column:
            column = item.column
            console.print(f"\n[bold red]{escape(column)}[/]")
        date = item.date.isoformat() if item.date else "日期不详"
        console.print(
            f" {item.position + 1}. [cyan]#{item.article_id}[/] [bold]{escape(item.printed_title)}[/]"
            f"  [dim]〔{escape(item.source or '来源不详')} · {date} · {item.score:g}分〕[/]"
        )
        if item.new_title:
            console.print(f"    [dim]原题：{escape(item.title)}[/]")
        if explain:
            # No-break spaces keep each reason with its points when the terminal wraps the line.
            explained = item.explained.replace(" +", "\u00a0+").replace(" -", "\u00a0-")
            console.print(f"    [dim]{escape(explained)}｜栏目：{escape(item.column_reason)}[/]")
    left = draft.left_out()
    if left and not everything:
        console.print(f"\n[dim]另有{len(left)}篇未入选（policydigest draft show --all）[/]")
    elif left:
        console.print("\n[bold]未入选[/]")
        for item in left:
            facts = f"〔{escape(item.column)} · {item.score:g}分〕"
            console.print(
                f" [cyan]#{item.article_id}[/] {escape(item.title)}  [dim]{facts}[/]"
                f"  [yellow]{item.state.value}[/]：{escape(item.note)}"
            )


@draft_app.callback()
def draft_command(
    ctx: typer.Context,
    date_from: Annotated[str | None, typer.Option("--from", help="First day of the window (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day of the window (default: issue date).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    max_per_column: Annotated[
        int | None, typer.Option("--max-per-column", min=1, help="Most articles in one column.")
    ] = None,
    number: Annotated[int | None, typer.Option("--number", min=1, help="Set 期 by hand.")] = None,
    total_number: Annotated[int | None, typer.Option("--total-number", min=1, help="Set 总期 by hand.")] = None,
) -> None:
    """Draft the next issue from the stored articles of the window that no issue has published."""
    if ctx.invoked_subcommand is not None:
        return
    with _errors():
        settings, store, profile = _context()
        draft = make_draft(
            DraftRepository(store),
            profile,
            settings,
            date=_parse_date(date, "--date") or dt.date.today(),
            date_from=_parse_date(date_from, "--from"),
            date_to=_parse_date(date_to, "--to"),
            max_per_column=max_per_column,
            number=number,
            total_number=total_number,
        )
    print_draft(draft, profile)
    console.print("[dim]Change it with `policydigest draft move|drop|add|set-cover|retitle`, then `publish`.[/]")


IssueOption = Annotated[int | None, typer.Option("--issue", help="The draft's 总期 (default: the newest open draft).")]


def _apply(issue: int | None, change: Callable[[Draft, Profile, DraftRepository], str]) -> None:
    """Load the draft, change it, store it (all or nothing) and say what changed."""
    with _errors():
        _, store, profile = _context()
        repo = DraftRepository(store)
        draft = repo.get(issue)
        message = change(draft, profile, repo)
        repo.save(draft)
    console.print(escape(message))


@draft_app.command("show")
def show_command(
    issue: IssueOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Also list the articles left out, and why.")] = False,
    brief: Annotated[bool, typer.Option("--brief", help="Without the score explanations.")] = False,
) -> None:
    """Show a draft: columns, ranked articles, each score's explanation, the cover headline."""
    with _errors():
        _, store, profile = _context()
        draft = DraftRepository(store).get(issue)
    print_draft(draft, profile, everything=everything, explain=not brief)


@draft_app.command("move")
def move_command(
    article: Annotated[int, typer.Argument(help="The article's id (#N in `draft show`).")],
    column: Annotated[str, typer.Argument(help="The column to move it to.")],
    position: Annotated[int | None, typer.Option("--position", min=1, help="Place in the column, from 1.")] = None,
    issue: IssueOption = None,
) -> None:
    """Move an article to another column or place."""
    _apply(issue, lambda draft, profile, _: edit.move(draft, profile, article, column, position))


@draft_app.command("drop")
def drop_command(
    article: Annotated[int, typer.Argument(help="The article's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the draft).")] = "",
    issue: IssueOption = None,
) -> None:
    """Take an article out of the issue (it stays listed as dropped)."""
    _apply(issue, lambda draft, profile, _: edit.drop(draft, profile, article, reason))


@draft_app.command("add")
def add_command(
    article: Annotated[int, typer.Argument(help="The article's id: a left-out candidate or any unpublished article.")],
    column: Annotated[str | None, typer.Option("--column", help="Its column (default: assigned).")] = None,
    position: Annotated[int | None, typer.Option("--position", min=1, help="Place in the column, from 1.")] = None,
    issue: IssueOption = None,
) -> None:
    """Bring an article into the issue."""
    _apply(issue, lambda draft, profile, repo: edit.add(draft, profile, repo, article, column, position))


@draft_app.command("set-cover")
def set_cover_command(
    headline: Annotated[str | None, typer.Argument(help="The cover headline text.")] = None,
    article: Annotated[int | None, typer.Option("--article", help="Use this article's title.")] = None,
    issue: IssueOption = None,
) -> None:
    """Set the cover headline: free text, or an article's title."""
    _apply(issue, lambda draft, _, __: edit.set_cover(draft, article_id=article, headline=headline))


@draft_app.command("retitle")
def retitle_command(
    article: Annotated[int, typer.Argument(help="The article's id.")],
    title: Annotated[str, typer.Argument(help="Its new title for this issue.")],
    issue: IssueOption = None,
) -> None:
    """Give an article a new title (stored on the article when the issue is published)."""
    _apply(issue, lambda draft, _, __: edit.retitle(draft, article, title))


@draft_app.command("renumber")
def renumber_command(
    number: Annotated[int | None, typer.Option("--number", min=1, help="期 by hand.")] = None,
    total_number: Annotated[int | None, typer.Option("--total-number", min=1, help="总期 by hand.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="A new issue date (YYYY-MM-DD).")] = None,
    issue: IssueOption = None,
) -> None:
    """Set 期, 总期 or the date by hand; what is not given follows the numbering rules."""
    day = _parse_date(date, "--date")
    _apply(issue, lambda draft, _, repo: edit.renumber(draft, repo, number=number, total_number=total_number, date=day))


def publish_command(
    issue: Annotated[int | None, typer.Argument(help="The draft's 总期 (default: the newest open draft).")] = None,
    pages: Annotated[bool, typer.Option("--pages/--no-pages", help="Fill page numbers from the PDF.")] = True,
) -> None:
    """Freeze a draft into a stored issue and mark its articles published."""
    with _errors():
        settings, store, profile = _context()
        render_on_publish(store, settings)  # on PostgreSQL, the issue's downloads are rendered by a worker
        published = publish(DraftRepository(store), profile, issue, fill_pages=pages)
        # Publishing queues the issue for every subscriber; `policydigest send` delivers it.
        readers = count_subscribers(store).get("active", 0)
        if readers:
            from policydigest.compose.charts import issue_charts  # altair and vl-convert

            stored = store.get_issue(published.total_number)
            queued = queue_issue(store, settings, stored, issue_charts(store, settings, stored))[1]
        else:
            queued = 0
    console.print(
        f"published {escape(published.series)} 第{published.number}期 总第{published.total_number}期: "
        f"{len(published.articles)} articles (see `policydigest show {published.total_number}`)"
    )
    if queued:
        console.print(f"queued for {queued} subscriber(s); send with `policydigest send {published.total_number}`")


def find_issue(store: Store, profile: Profile, total_number: int) -> tuple[Issue, bool]:
    """A stored issue by 总期, else an open draft's preview; the flag says it is a draft."""
    try:
        return store.get_issue(total_number), False
    except NotFoundError:
        repo = DraftRepository(store)
        draft = repo.get(total_number)
        included = draft.included(profile.column_names)
        return draft_issue(draft, repo.articles(i.article_id for i in included), profile), True


def render_command(
    issue: Annotated[int, typer.Argument(help="The issue's 总期 (a stored issue, or an open draft to preview).")],
    fmt: Annotated[
        RenderFormat, typer.Option("--format", help="pdf, html, email, md, docx or wechat (公众号).")
    ] = RenderFormat.pdf,
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default: issue-总期.suffix).")] = None,
) -> None:
    """Render an issue as PDF, a standalone HTML page, e-mail HTML, Markdown, DOCX or 公众号 HTML."""
    from policydigest.compose.charts import issue_charts  # altair and vl-convert
    from policydigest.render.output import WITH_CHARTS, render_issue  # typst, jinja2 and python-docx

    with _errors():
        settings, store, profile = _context()
        found, is_draft = find_issue(store, profile, issue)
        charts = issue_charts(store, settings, found) if fmt.value in WITH_CHARTS else []
        data = render_issue(found, fmt.value, profile=profile, default_columns=settings.columns, charts=charts)
        path = out or Path(f"issue-{found.total_number}{_SUFFIX[fmt.value]}")
        path.write_bytes(data)
    note = " [yellow](draft preview: not published)[/]" if is_draft else ""
    console.print(f"wrote {path} ({len(data):,} bytes){note}")
    if charts:
        console.print(f"with {len(charts)} trend chart(s) (setting bulletin_trend_chart)")
