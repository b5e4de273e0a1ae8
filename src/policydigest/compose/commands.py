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
from policydigest.delivery.publishing import hand_off
from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.intel import attach_intel
from policydigest.jobs.queue import render_on_publish
from policydigest.model import Issue
from policydigest.profile import Profile, profile_for
from policydigest.settings import Settings
from policydigest.store import Store, open_store

console = Console()
err_console = Console(stderr=True)

draft_app = typer.Typer(
    help="用未出版的文章起草下一期，再修改它：show、move、drop、add、"
    "set-cover、retitle、renumber。",
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
    store = open_store(settings.database_url)
    attach_intel(store)  # a published issue's articles reach the intelligence tables with it
    return settings, store, profile_for(settings)


@contextmanager
def _errors() -> Iterator[None]:
    """Expected faults become one red line and exit status 1."""
    try:
        yield
    except PolicydigestError as exc:
        err_console.print(f"[bold red]错误：[/]{escape(str(exc))}")
        raise typer.Exit(1) from None


_STATUS_LABELS = {"open": "未出版", "published": "已出版"}
_STATE_LABELS = {"included": "入选", "overflow": "超出栏目上限", "duplicate": "重复", "dropped": "撤下"}


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err_console.print(f"[bold red]错误：[/]{option} 应为日期，如 2025-03-28，而不是 {value!r}")
        raise typer.Exit(2) from None


def print_draft(draft: Draft, profile: Profile, *, everything: bool = False, explain: bool = True) -> None:
    """Show a draft: numbers, cover, columns with ranked articles and why; left-out ones on request."""
    console.print(
        f"[bold]{escape(draft.series)}[/] {draft.date.year}年第{draft.number}期 总第{draft.total_number}期 "
        f"（{draft.date.isoformat()}）[dim]{_STATUS_LABELS[draft.status.value]}[/]"
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
                f"  [yellow]{_STATE_LABELS[item.state.value]}[/]：{escape(item.note)}"
            )


@draft_app.callback()
def draft_command(
    ctx: typer.Context,
    date_from: Annotated[str | None, typer.Option("--from", help="时间窗的第一天（YYYY-MM-DD）。")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="时间窗的最后一天（默认：出刊日期）。")] = None,
    date: Annotated[str | None, typer.Option("--date", help="出刊日期（默认：今天）。")] = None,
    max_per_column: Annotated[
        int | None, typer.Option("--max-per-column", min=1, help="每个栏目最多的文章数。")
    ] = None,
    number: Annotated[int | None, typer.Option("--number", min=1, help="手工设定期号。")] = None,
    total_number: Annotated[int | None, typer.Option("--total-number", min=1, help="手工设定总期号。")] = None,
) -> None:
    """用时间窗内尚未出版过的已入库文章起草下一期。"""
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
    console.print("[dim]可用 `policydigest draft move|drop|add|set-cover|retitle` 修改，然后 `publish`。[/]")


IssueOption = Annotated[int | None, typer.Option("--issue", help="草稿的总期号（默认：最新的未出版草稿）。")]


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
    everything: Annotated[bool, typer.Option("--all", help="同时列出未入选的文章及原因。")] = False,
    brief: Annotated[bool, typer.Option("--brief", help="不显示得分说明。")] = False,
) -> None:
    """显示草稿：栏目、排序后的文章、每项得分的说明和封面标题。"""
    with _errors():
        _, store, profile = _context()
        draft = DraftRepository(store).get(issue)
    print_draft(draft, profile, everything=everything, explain=not brief)


@draft_app.command("move")
def move_command(
    article: Annotated[int, typer.Argument(help="文章编号（`draft show` 中的 #N）。")],
    column: Annotated[str, typer.Argument(help="移入的栏目。")],
    position: Annotated[int | None, typer.Option("--position", min=1, help="在栏目中的位置，从 1 起。")] = None,
    issue: IssueOption = None,
) -> None:
    """把文章移到另一个栏目或位置。"""
    _apply(issue, lambda draft, profile, _: edit.move(draft, profile, article, column, position))


@draft_app.command("drop")
def drop_command(
    article: Annotated[int, typer.Argument(help="The article's id.")],
    reason: Annotated[str, typer.Option("--reason", help="原因（随草稿保存）。")] = "",
    issue: IssueOption = None,
) -> None:
    """把文章撤出本期（仍以“编辑撤下”列出）。"""
    _apply(issue, lambda draft, profile, _: edit.drop(draft, profile, article, reason))


@draft_app.command("add")
def add_command(
    article: Annotated[int, typer.Argument(help="文章编号：未入选的候选文章或任何未出版的文章。")],
    column: Annotated[str | None, typer.Option("--column", help="它的栏目（默认：自动归栏）。")] = None,
    position: Annotated[int | None, typer.Option("--position", min=1, help="在栏目中的位置，从 1 起。")] = None,
    issue: IssueOption = None,
) -> None:
    """把文章加入本期。"""
    _apply(issue, lambda draft, profile, repo: edit.add(draft, profile, repo, article, column, position))


@draft_app.command("set-cover")
def set_cover_command(
    headline: Annotated[str | None, typer.Argument(help="封面标题文字。")] = None,
    article: Annotated[int | None, typer.Option("--article", help="用这篇文章的标题。")] = None,
    issue: IssueOption = None,
) -> None:
    """设定封面标题：自由文字，或某篇文章的标题。"""
    _apply(issue, lambda draft, _, __: edit.set_cover(draft, article_id=article, headline=headline))


@draft_app.command("retitle")
def retitle_command(
    article: Annotated[int, typer.Argument(help="The article's id.")],
    title: Annotated[str, typer.Argument(help="它在本期的新标题。")],
    issue: IssueOption = None,
) -> None:
    """给文章换一个新标题（出版时存到文章上）。"""
    _apply(issue, lambda draft, _, __: edit.retitle(draft, article, title))


@draft_app.command("renumber")
def renumber_command(
    number: Annotated[int | None, typer.Option("--number", min=1, help="手工设定期号。")] = None,
    total_number: Annotated[int | None, typer.Option("--total-number", min=1, help="手工设定总期号。")] = None,
    date: Annotated[str | None, typer.Option("--date", help="新的出刊日期（YYYY-MM-DD）。")] = None,
    issue: IssueOption = None,
) -> None:
    """手工设定期号、总期号或日期；未给出的按编号规则推算。"""
    day = _parse_date(date, "--date")
    _apply(issue, lambda draft, _, repo: edit.renumber(draft, repo, number=number, total_number=total_number, date=day))


def publish_command(
    issue: Annotated[int | None, typer.Argument(help="草稿的总期号（默认：最新的未出版草稿）。")] = None,
    pages: Annotated[bool, typer.Option("--pages/--no-pages", help="按 PDF 填入页码。")] = True,
) -> None:
    """把草稿定稿为入库的一期，并把其中文章标为已出版。"""
    with _errors():
        settings, store, profile = _context()
        render_on_publish(store, settings)  # on PostgreSQL, the issue's downloads are rendered by a worker
        published = publish(DraftRepository(store), profile, issue, fill_pages=pages)
        handoff = hand_off(store, settings, published.total_number)
    console.print(
        f"已出版 {escape(published.series)} 第{published.number}期 总第{published.total_number}期："
        f"{len(published.articles)} 篇文章（见 `policydigest show {published.total_number}`）"
    )
    if handoff.queued:
        charts = f"（含 {len(handoff.charts)} 张趋势图）" if handoff.charts else ""
        send = f"`policydigest send {published.total_number}`"
        console.print(f"已为 {handoff.queued} 位订阅者排队邮件{charts}；用 {send} 发送")
    if handoff.note:
        console.print(f"[yellow]{escape(handoff.note)}[/]")


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
    issue: Annotated[int, typer.Argument(help="该期的总期号（已入库的一期，或要预览的未出版草稿）。")],
    fmt: Annotated[
        RenderFormat, typer.Option("--format", help="pdf、html、email、md、docx 或 wechat（公众号）。")
    ] = RenderFormat.pdf,
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（默认：issue-总期.后缀）。")] = None,
) -> None:
    """把一期输出为 PDF、独立 HTML 页面、邮件 HTML、Markdown、DOCX 或公众号 HTML。"""
    from policydigest.intel.issue_charts import charts_for  # altair and vl-convert
    from policydigest.render.output import render_issue  # typst, jinja2 and python-docx

    with _errors():
        settings, store, profile = _context()
        found, is_draft = find_issue(store, profile, issue)
        charts = charts_for(store, settings, found, fmt.value)
        data = render_issue(found, fmt.value, profile=profile, default_columns=settings.columns, charts=charts)
        path = out or Path(f"issue-{found.total_number}{_SUFFIX[fmt.value]}")
        path.write_bytes(data)
    note = " [yellow]（草稿预览：未出版）[/]" if is_draft else ""
    console.print(f"已写入 {path}（{len(data):,} 字节）{note}")
    if charts:
        console.print(f"含 {len(charts)} 张趋势图（设置 bulletin_trend_chart）")
