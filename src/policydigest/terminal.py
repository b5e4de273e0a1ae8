"""A readable view of an issue in the terminal (``policydigest show``)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from policydigest.model import Article, BlockKind, Issue


def _masthead(issue: Issue) -> Panel:
    lines = [
        Text(issue.masthead.slogan or "", style="dim"),
        Text(issue.series, style="bold red"),
        Text(issue.masthead.strapline or "", style="italic"),
        Text(f"{issue.date:%Y年%-m月%-d日}  第{issue.number}期  总第{issue.total_number}期", style="bold"),
        Text(issue.cover_headline, style="bold"),
    ]
    details = Table.grid(padding=(0, 2))
    if issue.masthead.guiding_units:
        details.add_row("指导单位", "、".join(issue.masthead.guiding_units))
    for role in issue.masthead.roles:
        details.add_row(role.role, "  ".join(role.names))
    for key, value in issue.masthead.contacts.items():
        details.add_row(key, value)
    if issue.masthead.address:
        details.add_row("编辑地址", issue.masthead.address)
    return Panel(Group(*[line for line in lines if line.plain], Text(""), details), expand=False)


def _toc(issue: Issue) -> Table:
    table = Table("栏目", "页", "标题", title="本期要目", show_lines=False)
    for entry in issue.toc:
        table.add_row(entry.column, f"{entry.page:02d}" if entry.page is not None else "", escape(entry.title))
    return table


def _article(article: Article, index: int, *, full: bool) -> Group:
    parts: list[Text | Table] = [Text(f"{index}. {article.title}", style="bold")]
    meta = "  ".join(
        part
        for part in (
            f"[{article.column}]" if article.column else "",
            f"来源：{article.source}" if article.source else "",
            f"p.{article.toc_page:02d}" if article.toc_page is not None else "",
        )
        if part
    )
    parts.append(Text(meta, style="cyan"))
    blocks = article.blocks if full else article.blocks[:1]
    for block in blocks:
        if block.kind is BlockKind.TABLE:
            table = Table(show_header=False)
            for row in block.rows:
                table.add_row(*row)
            parts.append(table)
        else:
            style = {BlockKind.HEADING: "bold", BlockKind.CAPTION: "italic dim"}.get(block.kind, "")
            parts.append(Text(block.text, style=style))
    if not full and len(article.blocks) > 1:
        parts.append(Text(f"… 另有 {len(article.blocks) - 1} 段；--full 显示全部", style="dim"))
    if article.url:
        parts.append(Text(f"原文链接：{article.url}", style="blue underline"))
    return Group(*parts, Text(""))


def render_issue(console: Console, issue: Issue, *, full: bool = False) -> None:
    """Print an issue: masthead, table of contents, then the articles by column."""
    console.print(_masthead(issue))
    if issue.disclaimer:
        console.print(Text(f"声明：{issue.disclaimer}", style="dim"))
    console.print(_toc(issue))
    column = None
    for index, article in enumerate(issue.articles, start=1):
        if article.column != column:
            column = article.column
            console.print(Rule(column or "未分栏"))
        console.print(_article(article, index, full=full))
    for part in issue.back_matter:
        console.print(Rule(part.heading))
        for block in part.blocks[: None if full else 2]:
            console.print(Text(block.text))
    if issue.warnings:
        console.print(Rule("导入警告", style="yellow"))
        for warning in issue.warnings:
            console.print(Text(f"• {warning}", style="yellow"))
