"""Lay an issue out as an A4 bulletin PDF with Typst, in the printed bulletin's form.

The issue is handed to the template (``templates/bulletin.typ``) as one JSON document in
``sys.inputs``; the template reads it with ``json(...)`` and only ever shows its strings as text,
so nothing crawled can inject Typst markup or code. Page numbers in 本期要目 come from Typst's own
introspection (a label on each article title), never from an estimate.
"""

from __future__ import annotations

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
from policydigest.model import Block, Issue
from policydigest.render.toc import toc_groups

log = logging.getLogger(__name__)

TEMPLATE = "bulletin.typ"
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


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as a PNG with one pixel per module (the template scales it crisply).

    >>> qr_png("https://example.org/")[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()


def date_text(issue: Issue) -> str:
    """The issue date as printed: ``2024年4月12日``."""
    d = issue.date
    return f"{d.year}年{d.month}月{d.day}日"


_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def cover_lines(headline: str) -> list[str]:
    """The cover headline's printed lines: a space between two Chinese phrases starts a new line.

    >>> cover_lines("首次全国数据工作会议在京召开 部署八项重点工作")
    ['首次全国数据工作会议在京召开', '部署八项重点工作']
    >>> cover_lines("2024 全球独角兽榜发布")
    ['2024 全球独角兽榜发布']
    """
    return [part for part in _CJK_SPACE.split(headline.strip()) if part]


def display_width(text: str) -> int:
    """Width in half-em units: a Chinese character counts two, a Latin letter one.

    >>> display_width("企业Ltd")
    7
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_weights(rows: list[list[str]]) -> list[int]:
    """Relative column widths of a table: its widest cell, kept between 4 and 40 half-ems.

    >>> column_weights([["排名", "企业名称"], ["1", "Example Data Co. Ltd"]])
    [4, 20]
    """
    width = max((len(row) for row in rows), default=0)
    weights = [4] * width
    for row in rows:
        for i, cell in enumerate(row):
            weights[i] = max(weights[i], min(40, display_width(cell)))
    return weights


def _block(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": block.kind.value, "text": block.text, "rows": block.rows}
    if block.rows:
        data["widths"] = column_weights(block.rows)
    return data


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


def issue_document(issue: Issue, columns: Sequence[str]) -> dict[str, Any]:
    """Everything the template shows, as plain JSON-ready data."""
    articles = []
    for article in issue.articles:
        articles.append(
            {
                "title": article.title,
                "blocks": [_block(b) for b in article.blocks],
                "source": article.source,
                "url": article.url,
                "qr": list(qr_png(article.url)) if article.url else None,
            }
        )
    return {
        "series": issue.series,
        "number": issue.number,
        "total_number": issue.total_number,
        "date_text": date_text(issue),
        "slogan": issue.masthead.slogan,
        "strapline": issue.masthead.strapline,
        "cover_lines": cover_lines(issue.cover_headline),
        "masthead_rows": _masthead_rows(issue),
        "disclaimer": issue.disclaimer,
        "toc": [
            {
                "column": group.column,
                "entries": [{"title": e.title, "target": e.target, "page": e.page} for e in group.entries],
            }
            for group in toc_groups(issue, columns)
        ],
        "articles": articles,
        "back_matter": [
            {"heading": section.heading, "blocks": [_block(b) for b in section.blocks]} for section in issue.back_matter
        ],
    }


def render_pdf(issue: Issue, *, columns: Sequence[str]) -> bytes:
    """Render ``issue`` as an A4 bulletin PDF; ``columns`` orders the groups of 本期要目.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> issue = Issue(series="示例动态", number=1, total_number=1, date=dt.date(2024, 1, 5),
    ...               articles=[Article(title="示例文章", column="国策要论")])
    >>> render_pdf(issue, columns=["国策要论"])[:5]
    b'%PDF-'
    """
    inputs = {"issue": json.dumps(issue_document(issue, columns), ensure_ascii=False)}
    with _lock:
        try:
            pdf, warnings = _get_compiler().compile_with_warnings(format="pdf", sys_inputs=inputs)
        except typst.TypstError as exc:
            reason = f"Typst could not lay out issue 总第{issue.total_number}期: {exc.message}"
            raise RenderError(reason) from exc
    for warning in warnings:
        log.warning("typst: %s", warning.message)
    if not isinstance(pdf, bytes):
        raise RenderError(f"Typst returned no PDF for issue 总第{issue.total_number}期")
    return pdf
