"""Positioned text lines and ruled tables of each PDF page, the raw material of ``pdf_to_text``.

Characters come from pdfium (fast, exact CJK text, and it tells inserted spaces from real ones);
the geometry of ruled tables comes from pdfplumber, asked only about pages that draw grid lines.
Coordinates are PDF points with y growing upwards, as pdfium gives them.
"""

from __future__ import annotations

import io
import logging
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

log = logging.getLogger(__name__)

#: A gap this many font sizes wide between two characters is a space, whatever the script.
WIDE_GAP = 0.8
#: Between two Latin letters or digits, a gap this wide is a space even without a space glyph.
LATIN_GAP = 0.2
#: A vector path thinner than this (points) is a rule: a table line, not a shape.
RULE_THICKNESS = 2.0


def is_cjk(ch: str) -> bool:
    """True for Chinese characters and full-width punctuation (no spaces are set around them).

    >>> is_cjk("数"), is_cjk("，"), is_cjk("a"), is_cjk("1")
    (True, True, False, False)
    """
    return unicodedata.east_asian_width(ch) in "WF"


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    y: float  # vertical centre of the font box, the same for all characters of one font on a line
    size: float
    generated: bool = False


@dataclass
class PageLine:
    """One line of text on a page: its words, extent and font size."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    #: Left edges of the pieces after a wide gap (grid columns such as page number | title).
    segments: list[float] = field(default_factory=list)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Table:
    """A ruled table: its box and the text of each cell, row by row."""

    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[list[str]]


@dataclass
class PageLayout:
    """The lines (outside tables) and tables of one page, each list top to bottom."""

    width: float
    height: float
    lines: list[PageLine] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def join_pieces(left: str, right: str) -> str:
    """Join two pieces of one paragraph: nothing between Chinese text, a space between Latin words.

    >>> join_pieces("提出到", "2026年"), join_pieces("Data", "Spaces")
    ('提出到2026年', 'Data Spaces')
    >>> join_pieces("见 https://a.cn/x/", "y.html")
    '见 https://a.cn/x/y.html'
    """
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if a.isspace() or b.isspace() or is_cjk(a) or is_cjk(b):
        return left + right
    last_word = left.rsplit(" ", 1)[-1]
    # A link wrapped at the margin continues without a space.
    if "://" in last_word or last_word.startswith("www."):
        return left + right
    if a in "-/_.=?&#%~" and not last_word.endswith("."):
        return left + right
    return left + " " + right


def _line_text(chars: list[Char], segments: list[float]) -> str:
    """The text of one line's chars (sorted left to right), with the spaces a reader would see.

    A space glyph is a space; so is a space pdfium infers from the layout (``generated``), except
    between two Chinese characters, where only a gap of most of a character counts (a spaced-out
    label such as 主 编). Left edges after such wide gaps are kept in ``segments``.
    """
    out: list[str] = []
    prev: Char | None = None
    pending: Char | None = None  # a space seen since the last visible char
    for ch in chars:
        if ch.text.isspace():
            pending = pending if pending is not None and not pending.generated else ch
            continue
        if prev is not None:
            gap = ch.x0 - prev.x1
            size = min(ch.size, prev.size)
            both_cjk = is_cjk(prev.text) and is_cjk(ch.text)
            if gap > WIDE_GAP * size:
                segments.append(ch.x0)
            inferred = pending is not None and pending.generated
            if (
                (pending is not None and not inferred)
                or (inferred and not both_cjk)
                or gap > WIDE_GAP * size
                or (not is_cjk(prev.text) and not is_cjk(ch.text) and gap > LATIN_GAP * size)
            ):
                out.append(" ")
        out.append(ch.text)
        prev, pending = ch, None
    return "".join(out)


def group_lines(chars: list[Char]) -> list[PageLine]:
    """Chars whose vertical centres lie within a third of the font size make a line, read left to right."""
    visible = [c for c in chars if not c.generated and not c.text.isspace()]
    lines: list[list[Char]] = []
    for ch in sorted(visible, key=lambda c: (-c.y, c.x0)):
        if lines and abs(lines[-1][0].y - ch.y) <= 0.35 * max(ch.size, 1.0):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    spaces = [c for c in chars if c.text.isspace()]
    result: list[PageLine] = []
    for members in lines:
        base = members[0].y
        size = statistics.median(c.size for c in members)
        members += [s for s in spaces if abs(s.y - base) <= 0.35 * size]
        members.sort(key=lambda c: (c.x0, not c.text.isspace()))
        segments: list[float] = []
        text = _line_text(members, segments)
        if not text:
            continue
        ink = [c for c in members if not c.text.isspace()]
        result.append(PageLine(text, ink[0].x0, max(c.x1 for c in ink), base, round(size, 1), segments))
    return result


def _page_chars(textpage: pdfium.PdfTextPage) -> Iterator[Char]:
    raw = textpage.raw
    previous: Char | None = None
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or code in (10, 13):
            continue
        if code == 2:
            code = ord("-")  # pdfium reports a hyphen that ends a line as U+0002
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        generated = bool(pdfium_c.FPDFText_IsGenerated(raw, i))
        if generated and previous is not None:
            # pdfium gives an inferred space no height or size: borrow them from the char before.
            yield Char(" ", left, right, previous.y, previous.size, generated=True)
            continue
        char = Char(chr(code), left, right, (bottom + top) / 2, size, generated)
        previous = char
        yield char


def _has_grid(page: pdfium.PdfPage) -> bool:
    horizontal = vertical = 0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom <= RULE_THICKNESS and right - left > 3 * RULE_THICKNESS:
            horizontal += 1
        elif right - left <= RULE_THICKNESS and top - bottom > 3 * RULE_THICKNESS:
            vertical += 1
    return horizontal >= 3 and vertical >= 3


def _cell_text(chars: list[Char]) -> str:
    text = ""
    for line in group_lines(chars):
        text = join_pieces(text, line.text)
    return text


def _tables(plumber_page: pdfplumber.page.Page, height: float, chars: list[Char]) -> list[Table]:
    tables: list[Table] = []
    for found in plumber_page.find_tables():
        if len(found.rows) < 2 or max(len(r.cells) for r in found.rows) < 2:
            continue  # a single framed box, such as a boxed disclaimer, is not a table
        rows: list[list[str]] = []
        for row in found.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell is None:
                    cells.append("")
                    continue
                x0, top, x1, bottom = cell
                y_low, y_high = height - bottom, height - top
                inside = [c for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and y_low <= c.y <= y_high]
                cells.append(_cell_text(inside))
            rows.append(cells)
        x0, top, x1, bottom = found.bbox
        tables.append(Table(x0, x1, height - top, height - bottom, rows))
    return tables


def read_layout(document: pdfium.PdfDocument, data: bytes) -> list[PageLayout]:
    """Every page's lines and tables, in page order."""
    plumber: pdfplumber.pdf.PDF | None = None
    pages: list[PageLayout] = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            chars = list(_page_chars(page.get_textpage()))
            layout = PageLayout(width, height)
            if _has_grid(page):
                if plumber is None:
                    plumber = pdfplumber.open(io.BytesIO(data))
                layout.tables = _tables(plumber.pages[index], height, chars)
            in_table = [
                c for c in chars if any(t.x0 <= c.x0 <= t.x1 and t.bottom <= c.y <= t.top for t in layout.tables)
            ]
            taken = {id(c) for c in in_table}
            layout.lines = group_lines([c for c in chars if id(c) not in taken])
            pages.append(layout)
    finally:
        if plumber is not None:
            plumber.close()
    return pages
