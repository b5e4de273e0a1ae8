"""Lay an issue out as an A4 bulletin PDF with Typst, in the printed bulletin's form.

The issue is handed to the template (``templates/bulletin.typ``) as one JSON document in
``sys.inputs``; the template reads it with ``json(...)`` and only ever shows its strings as text,
so nothing crawled can inject Typst markup or code. Page numbers in 本期要目 come from Typst's own
introspection (a label on each article title), never from an estimate.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import segno
import typst

from policydigest.errors import RenderError
from policydigest.model import Block, BlockKind, Issue
from policydigest.render.figures import IssueChart
from policydigest.render.toc import toc_groups

log = logging.getLogger(__name__)

TEMPLATE = "bulletin.typ"
#: Width a cover headline line may take (nine tenths of the cover's text width, so a line shrunk to fit
#: is never taken for a line that wraps at the margin), and the headline's largest and smallest sizes.
COVER_WIDTH_PT = 400.0
COVER_MAX_PT = 22.0
COVER_MIN_PT = 16.0
#: Error correction level of the QR codes: M survives a smudge and keeps long URLs small.
QR_ERROR = "m"

_lock = threading.Lock()
_compiler: typst.Compiler | None = None


def _template_path() -> Path:
    return Path(str(resources.files("policydigest.render") / "templates" / TEMPLATE))


def _get_compiler() -> typst.Compiler:
    # One compiler per process: the font scan and template parse are paid once, not per issue.
    global _compiler
    if _compiler is None:
        path = _template_path()
        _compiler = typst.Compiler(path, root=path.parent)
    return _compiler


@functools.lru_cache(maxsize=2048)
def qr_svg(url: str) -> str:
    """A QR code of ``url`` as SVG: vector modules stay sharp at any print or scan resolution.

    (A one-pixel-per-module PNG scaled up is smoothed by some rasterisers and stops decoding.)
    Cached: choosing the best mask is most of the cost, and a draft is rendered again and again.

    >>> qr_svg("https://example.org/").startswith("<svg")
    True
    """
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="svg", border=2, xmldecl=False)
    return buffer.getvalue().decode("ascii")


def date_text(issue: Issue) -> str:
    """The issue date as printed: ``2024年4月12日``."""
    d = issue.date
    return f"{d.year}年{d.month}月{d.day}日"


_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def title_lines(headline: str) -> list[str]:
    """A headline's printed lines: a space between two Chinese phrases starts a new line.

    That is how the bulletin sets a headline and its sub-headline, and how the text parser reads
    two title lines back (joined by a space).

    >>> title_lines("首次全国数据工作会议在京召开 部署八项重点工作")
    ['首次全国数据工作会议在京召开', '部署八项重点工作']
    >>> title_lines("2024 全球独角兽榜发布")
    ['2024 全球独角兽榜发布']
    """
    return [part for part in _CJK_SPACE.split(headline.strip()) if part]


def display_width(text: str) -> int:
    """Width in half-em units: a Chinese character counts two, a Latin letter one.

    >>> display_width("企业Ltd")
    7
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cover_size(lines: Sequence[str]) -> float:
    """Point size of the cover headline: 22 pt, shrunk (not below 16 pt) so each line fits once.

    >>> cover_size(["首次全国数据工作会议在京召开"]), cover_size(["二" * 24])
    (22.0, 16.6)
    """
    ems = max((display_width(line) / 2 for line in lines), default=0)
    fitting = COVER_WIDTH_PT / ems if ems else COVER_MAX_PT
    if fitting >= COVER_MAX_PT or fitting < COVER_MIN_PT:
        return COVER_MAX_PT  # fits as it is, or too long for one line anyway: let it wrap
    return round(fitting - 0.05, 1)


def unbreakable_spaces(text: str) -> str:
    """Every space made non-breaking: a title must not wrap at a space, or the space is lost.

    Soft hyphens go too: a title is not hyphenated, and Typst fails on one inside a link (the contents).

    >>> unbreakable_spaces("MITRE 向美国 Data Spaces\u00ad")
    'MITRE\xa0向美国\xa0Data\xa0Spaces'
    """
    return text.replace(" ", "\u00a0").replace("\u00ad", "")


_SPACE_BY_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])")


def keep_spaces(text: str) -> str:
    """Spaces next to a Chinese character made non-breaking; the line never breaks there.

    A space at a line break is not in the PDF, and a reader cannot tell ``增加 IPv6`` wrapped
    at its space from ``增加IPv6`` wrapped between the words. Spaces between Latin words stay
    breakable: readers put those back.

    >>> keep_spaces("增加 IPv6 互联网 Data Spaces")
    '增加\xa0IPv6\xa0互联网\xa0Data Spaces'
    """
    return _SPACE_BY_CJK.sub("\u00a0", text)


def _blocks(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        out.append(
            {
                "kind": block.kind.value,
                "text": keep_spaces(block.text),
                "rows": [[keep_spaces(cell) for cell in row] for row in block.rows],
                # A caption just above a table stays on the table's page.
                "sticky": following is not None and following.kind is BlockKind.TABLE,
            }
        )
    return out


def _masthead_rows(issue: Issue) -> list[dict[str, Any]]:
    masthead = issue.masthead
    rows: list[dict[str, Any]] = []
    if masthead.guiding_units:
        rows.append({"label": "指导单位", "values": masthead.guiding_units})
    for role in masthead.roles:
        # People's names share lines, as printed; organisations get a line each.
        if len(role.names) > 1 and all(len(name.replace(" ", "")) <= 4 for name in role.names):
            rows.append({"label": role.role, "values": ["  ".join(role.names)]})
        else:
            rows.append({"label": role.role, "values": role.names})
    for label, value in masthead.contacts.items():
        rows.append({"label": label, "values": [value]})
    if masthead.address:
        rows.append({"label": "编辑地址", "values": [masthead.address]})
    return rows


def issue_document(issue: Issue, columns: Sequence[str], charts: Sequence[IssueChart] = ()) -> dict[str, Any]:
    """Everything the template shows, as plain JSON-ready data."""
    articles = []
    for article in issue.articles:
        articles.append(
            {
                "title": [unbreakable_spaces(line) for line in title_lines(article.title)],
                "blocks": _blocks(article.blocks),
                "source": keep_spaces(article.source) if article.source else None,
                "url": article.url,
                # Only web links become clickable; anything else (javascript:, file:) stays text.
                "clickable": bool(article.url and article.url.lower().startswith(("http://", "https://"))),
                "qr": qr_svg(article.url) if article.url else None,
            }
        )
    return {
        "series": issue.series,
        "number": issue.number,
        "total_number": issue.total_number,
        "date_text": date_text(issue),
        "slogan": issue.masthead.slogan,
        "strapline": issue.masthead.strapline,
        "cover_lines": [unbreakable_spaces(line) for line in title_lines(issue.cover_headline)],
        "cover_size": cover_size(title_lines(issue.cover_headline)),
        "masthead_rows": _masthead_rows(issue),
        "disclaimer": issue.disclaimer,
        "toc": [
            {
                "column": group.column,
                "entries": [
                    {"title": unbreakable_spaces(e.title), "target": e.target, "page": e.page} for e in group.entries
                ],
            }
            for group in toc_groups(issue, columns)
        ],
        "articles": articles,
        "back_matter": [
            {"heading": section.heading, "blocks": _blocks(section.blocks)} for section in issue.back_matter
        ],
        "charts": [
            {
                "title": chart.title,
                "svg": chart.svg,
                "header": [chart.x_title, chart.series_title, "数量"],
                "rows": [[x, series, str(n)] for x, series, n in chart.rows],
            }
            for chart in charts
        ],
    }


def _inputs(issue: Issue, columns: Sequence[str], charts: Sequence[IssueChart] = ()) -> dict[str, str]:
    return {"issue": json.dumps(issue_document(issue, columns, charts), ensure_ascii=False)}


def page_numbers(issue: Issue, *, columns: Sequence[str]) -> list[int]:
    """The page each article of ``issue`` starts on, as its 本期要目 prints it (one per article, in order).

    Typst's own query of the labelled layout (``<pd-pages>`` in the template) answers it; no PDF is
    written or read back.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> long = [Block.paragraph("正文。" * 600)]
    >>> issue = Issue(series="示例动态", number=1, total_number=1, date=dt.date(2024, 1, 5),
    ...               articles=[Article(title=t, column="国策要论", blocks=long) for t in ("甲", "乙")])
    >>> page_numbers(issue, columns=["国策要论"])
    [1, 2]
    """
    path = _template_path()
    try:
        # The module-level query takes the inputs as an argument; the shared compiler's query does not.
        found = typst.query(
            path, "<pd-pages>", field="value", one=True, root=path.parent, sys_inputs=_inputs(issue, columns)
        )
    except typst.TypstError as exc:
        raise RenderError(f"Typst 无法排版总第{issue.total_number}期：{exc.message}") from exc
    pages = json.loads(found)
    if not isinstance(pages, list) or len(pages) != len(issue.articles) or not all(isinstance(p, int) for p in pages):
        raise RenderError(f"Typst 没有给出总第{issue.total_number}期每篇文章的页码：{found!r}")
    return pages


def render_pdf(issue: Issue, *, columns: Sequence[str], charts: Sequence[IssueChart] = ()) -> bytes:
    """Render ``issue`` as an A4 bulletin PDF; ``columns`` orders the groups of 本期要目; ``charts`` are
    printed after the articles, each with its data table.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> issue = Issue(series="示例动态", number=1, total_number=1, date=dt.date(2024, 1, 5),
    ...               articles=[Article(title="示例文章", column="国策要论")])
    >>> render_pdf(issue, columns=["国策要论"])[:5]
    b'%PDF-'
    """
    inputs = _inputs(issue, columns, charts)
    with _lock:
        try:
            pdf, warnings = _get_compiler().compile_with_warnings(format="pdf", sys_inputs=inputs)
        except typst.TypstError as exc:
            reason = f"Typst 无法排版总第{issue.total_number}期：{exc.message}"
            raise RenderError(reason) from exc
    for warning in warnings:
        log.warning("typst: %s", warning.message)
    if not isinstance(pdf, bytes):
        raise RenderError(f"Typst 没有为总第{issue.total_number}期生成 PDF")
    return pdf
