"""What the HTML, e-mail, Markdown and DOCX renderers show, computed once from an issue.

Everything here is plain data (strings from the issue, never markup), except the QR codes, which
segno draws from the URL as SVG path data; templates escape every other value.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import segno

from policydigest.model import Block, Issue
from policydigest.render.pdf import QR_ERROR, date_text, title_lines
from policydigest.render.toc import toc_groups

#: Text under each QR code, as the bulletin prints it.
QR_CAPTION = "扫描二维码可阅读或下载原文件"


@dataclass(frozen=True)
class MastheadRow:
    """A line of the masthead page: a label and its values."""

    label: str
    values: list[str]


@dataclass(frozen=True)
class ArticleView:
    """An article as printed."""

    anchor: str
    title: str
    column: str | None
    blocks: list[Block]
    source: str | None
    url: str | None
    page: int | None
    documents: tuple[tuple[str, str | None], ...] = ()  # attachments read: (name, http(s) link or None)

    @property
    def href(self) -> str | None:
        """The link to print as a hyperlink: only http(s) URLs, so a crawled ``javascript:`` never runs."""
        return safe_href(self.url)

    def qr_svg(self, scale: int = 3) -> str:
        """The QR code of the original link as inline SVG, labelled for screen readers ('' without a link)."""
        return qr_inline_svg(self.href, scale) if self.href else ""


@functools.lru_cache(maxsize=2048)
def qr_inline_svg(url: str, scale: int = 3) -> str:
    """A QR code as inline SVG for HTML, with an accessible name; cached (choosing the mask is slow).

    >>> qr_inline_svg("https://example.org/").startswith('<svg role="img" aria-label="原文链接二维码"')
    True
    """
    svg = segno.make(url, error=QR_ERROR, micro=False).svg_inline(
        scale=scale, border=2, title="原文链接二维码", svgclass="qr"
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="原文链接二维码" ', 1)


@dataclass(frozen=True)
class TocLineView:
    """A line of 本期要目: title, the anchor of its article (None when it names none) and the page."""

    title: str
    anchor: str | None
    page: int | None


@dataclass(frozen=True)
class TocGroupView:
    """A column heading of 本期要目 and its lines."""

    column: str
    lines: list[TocLineView]


@dataclass(frozen=True)
class SectionView:
    """A run of consecutive articles of one column."""

    column: str | None
    anchor: str
    articles: list[ArticleView]


@dataclass
class IssueView:
    """The whole issue, ready for a template."""

    issue: Issue
    issue_line: str
    date_text: str
    cover_lines: list[str]
    masthead: list[MastheadRow]
    toc: list[TocGroupView]
    sections: list[SectionView]
    logo_uri: str | None = None
    logo_alt: str = ""
    articles: list[ArticleView] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The document title: series and issue line."""
        return f"{self.issue.series} {self.issue_line}"


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (spaces removed), else None.

    >>> safe_href("https://www.example.gov.cn/a b.html"), safe_href("javascript:alert(1)")
    ('https://www.example.gov.cn/ab.html', None)
    """
    if not url:
        return None
    url = "".join(url.split())
    return url if re.match(r"https?://[^\s<>\"']+$", url, re.IGNORECASE) else None


def masthead_rows(issue: Issue) -> list[MastheadRow]:
    """The masthead page as label/values rows, in the bulletin's order.

    >>> import datetime as dt
    >>> from policydigest.model import Masthead
    >>> i = Issue(series="S", number=1, total_number=1, date=dt.date(2025, 1, 3), masthead=Masthead(address="某路1号"))
    >>> masthead_rows(i)
    [MastheadRow(label='编辑地址', values=['某路1号'])]
    """
    m = issue.masthead
    rows = [MastheadRow("指导单位", list(m.guiding_units))] if m.guiding_units else []
    rows.extend(MastheadRow(role.role, list(role.names)) for role in m.roles)
    rows.extend(MastheadRow(label, [value]) for label, value in m.contacts.items())
    if m.address:
        rows.append(MastheadRow("编辑地址", [m.address]))
    return rows


def data_uri(path: Path) -> str:
    """A small image file as a data: URI (so the page stands alone)."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def page_label(page: int | None) -> str:
    """A page number as 本期要目 prints it: two digits.

    >>> page_label(3), page_label(None)
    ('03', '')
    """
    return "" if page is None else f"{page:02d}"


def issue_view(
    issue: Issue, columns: Sequence[str], *, logo: Path | None = None, logo_alt: str | None = None
) -> IssueView:
    """Build the view of ``issue``; ``columns`` orders 本期要目, ``logo`` is embedded when given.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> v = issue_view(Issue(series="S", number=2, total_number=9, date=dt.date(2025, 1, 3),
    ...                      articles=[Article(title="甲", column="国策要论")]), ["国策要论"])
    >>> v.issue_line, v.toc[0].lines[0].anchor
    ('2025年1月3日 第2期 总第9期', 'a1')
    """
    articles = [
        ArticleView(
            anchor=f"a{i + 1}",
            title=a.title,
            column=a.column,
            blocks=list(a.blocks),
            source=a.source,
            url="".join(a.url.split()) if a.url else None,
            page=a.toc_page,
            documents=tuple((d.name or d.kind or "附件", safe_href(d.url)) for d in a.documents if d.read),
        )
        for i, a in enumerate(issue.articles)
    ]
    toc = []
    for group in toc_groups(issue, columns):
        lines = []
        for line in group.entries:
            target = None if line.target is None else articles[line.target]
            page = line.page if line.page is not None or target is None else target.page
            lines.append(TocLineView(line.title, target.anchor if target else None, page))
        toc.append(TocGroupView(group.column, lines))
    sections: list[SectionView] = []
    for article in articles:
        if not sections or sections[-1].column != article.column:
            sections.append(SectionView(article.column, f"s{len(sections) + 1}", []))
        sections[-1].articles.append(article)
    return IssueView(
        issue=issue,
        issue_line=f"{date_text(issue)} 第{issue.number}期 总第{issue.total_number}期",
        date_text=date_text(issue),
        cover_lines=title_lines(issue.cover_headline),
        masthead=masthead_rows(issue),
        toc=toc,
        sections=sections,
        logo_uri=data_uri(logo) if logo is not None else None,
        logo_alt=logo_alt or f"{issue.series}标志",
        articles=articles,
    )
