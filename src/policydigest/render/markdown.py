"""An issue as Markdown (CommonMark with GFM tables): cover lines, 本期要目, articles, back matter.

Crawled text is escaped so that it stays text: Markdown punctuation and HTML's ``<`` and ``&`` are
backslash-escaped or turned into entities, so no title or paragraph can open a link, an emphasis, a
heading or an HTML tag when the file is converted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policydigest.model import Block, BlockKind, Issue
from policydigest.render.view import IssueView, issue_view, page_label, safe_href

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_LINE_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape(text: str) -> str:
    """Text made inert in Markdown: punctuation backslash-escaped, ``<`` and ``&`` as entities.

    >>> escape("<script>*粗*</script> [链接](x)")
    '&lt;script&gt;\\\\*粗\\\\*&lt;/script&gt; \\\\[链接\\\\](x)'
    >>> escape("1. 第一"), escape("- 甲-乙")
    ('1\\\\. 第一', '\\\\- 甲-乙')
    """
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    # Only at the start of a line do these begin a list, a setext heading or an ordered item.
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def link(url: str) -> str:
    """An autolink for a URL, or escaped text when the URL would break out of ``<…>``.

    >>> link("https://example.org/a_b")
    '<https://example.org/a_b>'
    """
    href = safe_href(url)
    return f"<{href}>" if href else escape(url)


def _table(rows: list[list[str]]) -> list[str]:
    width = max(len(row) for row in rows)
    padded = [[escape(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
    lines.extend("| " + " | ".join(row) + " |" for row in padded[1:])
    return lines


def _blocks(blocks: Sequence[Block], heading: str) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block.kind is BlockKind.TABLE and block.rows:
            out.extend([*_table(block.rows), ""])
        elif block.kind is BlockKind.HEADING:
            out.extend([f"{heading} {escape(block.text)}", ""])
        elif block.kind is BlockKind.CAPTION:
            out.extend([f"*{escape(block.text)}*", ""])
        elif block.text.strip():
            out.extend([escape(block.text), ""])
    return out


def _front(view: IssueView) -> list[str]:
    issue = view.issue
    out: list[str] = []
    if issue.masthead.slogan:
        out.extend([escape(issue.masthead.slogan), ""])
    out.extend([f"# {escape(issue.series)}", ""])
    if issue.masthead.strapline:
        out.extend([f"*{escape(issue.masthead.strapline)}*", ""])
    out.extend([f"**{escape(view.issue_line)}**", ""])
    if view.cover_lines:
        out.extend([f"**{escape(' '.join(view.cover_lines))}**", ""])
    if view.masthead:
        out.extend(f"- **{escape(row.label)}**：{escape('、'.join(row.values))}" for row in view.masthead)
        out.append("")
    if issue.disclaimer:
        out.extend([f"> **声明**：{escape(issue.disclaimer)}", ""])
    return out


def render_markdown(issue: Issue, *, columns: Sequence[str]) -> str:
    """``issue`` as a Markdown document.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3),
    ...               articles=[Article(title="甲", column="国策要论", source="某局")])
    >>> md = render_markdown(issue, columns=["国策要论"])
    >>> "### 甲" in md and "（来源：某局）" in md
    True
    """
    view = issue_view(issue, columns)
    out = _front(view)
    if view.toc:
        out.extend(["## 本期要目", ""])
        for group in view.toc:
            out.extend([f"**{escape(group.column)}**", ""])
            for line in group.lines:
                page = page_label(line.page)
                out.append(f"- {page + ' ' if page else ''}{escape(line.title)}")
            out.append("")
    for section in view.sections:
        out.extend([f"## {escape(section.column or '其他')}", ""])
        for article in section.articles:
            out.extend([f"### {escape(article.title)}", ""])
            out.extend(_blocks(article.blocks, "####"))
            if article.source:
                out.extend([f"（来源：{escape(article.source)}）", ""])
            if article.url:
                out.extend([f"原文链接：{link(article.url)}", ""])
    for part in issue.back_matter:
        out.extend([f"## {escape(part.heading)}", ""])
        out.extend(_blocks(part.blocks, "###"))
    return "\n".join(out).rstrip("\n") + "\n"
