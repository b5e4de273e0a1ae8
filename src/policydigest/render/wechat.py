"""An issue as an article for the WeChat Official Account (公众号) editor: paste-ready HTML.

The editor strips ``<style>``, ``<script>``, classes, ids and external style sheets, and keeps only
a few elements, so everything here is inline-styled and drawn from ``WECHAT_ELEMENTS`` (the list is
documented in docs/wechat.md). QR codes of the original links and the logo are embedded as
``data:`` images, so nothing is fetched from elsewhere; the only URLs are the article links
(http and https only). All crawled text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import segno

from policydigest.model import Block, BlockKind, Issue
from policydigest.render.view import ArticleView, data_uri, issue_view

#: Elements the 公众号 editor keeps; the renderer uses no other.
WECHAT_ELEMENTS = frozenset({"section", "p", "span", "strong", "em", "br", "img", "a", "table", "tbody", "tr", "td"})
QR_SCALE = 4

_BODY = "margin:0 0 12px;font-size:15px;line-height:1.75;color:#333;text-align:justify"
_COLUMN = (
    "margin:24px 0 12px;padding:4px 10px;border-left:4px solid #b0191e;font-size:17px;font-weight:bold;color:#b0191e"
)
_TITLE = "margin:16px 0 8px;font-size:16px;font-weight:bold;color:#111;line-height:1.5"
_META = "margin:0 0 8px;font-size:13px;color:#888"
_CELL = "border:1px solid #ddd;padding:4px 6px;font-size:13px"


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG ``data:`` URI.

    >>> qr_data_uri("https://example.org/a").startswith("data:image/png;base64,")
    True
    """
    return str(segno.make(url, error="m", micro=False).png_data_uri(scale=QR_SCALE, border=2))


def _block(block: Block) -> str:
    if block.kind is BlockKind.TABLE:
        rows = "".join(
            "<tr>" + "".join(f'<td style="{_CELL}">{html.escape(cell)}</td>' for cell in row) + "</tr>"
            for row in block.rows
        )
        return f'<table style="border-collapse:collapse;margin:0 0 12px;width:100%"><tbody>{rows}</tbody></table>'
    if block.kind is BlockKind.HEADING:
        return f'<p style="{_BODY}"><strong>{html.escape(block.text)}</strong></p>'
    if block.kind is BlockKind.CAPTION:
        return f'<p style="{_META};text-align:center">{html.escape(block.text)}</p>'
    return f'<p style="{_BODY}">{html.escape(block.text)}</p>'


def _article(article: ArticleView) -> str:
    parts = [f'<p style="{_TITLE}">{html.escape(article.title)}</p>']
    parts.extend(_block(b) for b in article.blocks)
    href = article.href
    source = html.escape(article.source) if article.source else ""
    if href:
        link = f'<a href="{html.escape(href)}" style="color:#576b95">阅读原文</a>'
        parts.append(f'<p style="{_META}">{"来源：" + source + " · " if source else ""}{link}</p>')
        parts.append(
            f'<p style="{_META};text-align:center"><img src="{qr_data_uri(href)}" alt="原文链接二维码" '
            f'style="width:120px;height:120px"><br><span>扫码阅读原文</span></p>'
        )
    elif source:
        parts.append(f'<p style="{_META}">来源：{source}</p>')
    return "<section>" + "".join(parts) + "</section>"


def render_wechat(
    issue: Issue, *, columns: Sequence[str], logo: Path | None = None, logo_alt: str | None = None
) -> str:
    """``issue`` as 公众号 HTML: inline styles, embedded images, only ``WECHAT_ELEMENTS``.

    >>> import datetime as dt
    >>> out = render_wechat(Issue(series="示例<b>", number=1, total_number=1, date=dt.date(2025, 1, 3)), columns=[])
    >>> "<style" in out, "<script" in out, "示例&lt;b&gt;" in out
    (False, False, True)
    """
    view = issue_view(issue, columns, logo=logo, logo_alt=logo_alt)
    head: list[str] = []
    if logo is not None:
        head.append(
            f'<p style="text-align:center;margin:0 0 8px"><img src="{data_uri(logo)}" '
            f'alt="{html.escape(view.logo_alt or issue.series)}" style="height:48px"></p>'
        )
    head.append(
        f'<p style="text-align:center;font-size:20px;font-weight:bold;margin:0 0 4px;color:#b0191e">'
        f"{html.escape(issue.series)}</p>"
        f'<p style="text-align:center;{_META}">{html.escape(view.issue_line)}</p>'
    )
    body: list[str] = []
    for section in view.sections:
        if section.column:
            body.append(f'<p style="{_COLUMN}">{html.escape(section.column)}</p>')
        body.extend(_article(a) for a in section.articles)
    return '<section style="padding:0 4px">' + "".join(head + body) + "</section>\n"
