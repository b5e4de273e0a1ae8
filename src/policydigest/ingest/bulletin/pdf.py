"""A bulletin PDF (ours or a real one) back to text shaped like the real text extractions.

The text parser then serves PDFs and text alike. The shape: one paragraph per line and a blank line
between blocks; titles and sub-headings on their own lines; the lines of a paragraph joined (no
space between Chinese characters, one between Latin words), also across a page break when the
layout shows the paragraph goes on; running headers, footers and page numbers dropped; tables as
tab-separated lines; table-of-contents entries as ``- 01 标题``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from policydigest.errors import BinaryInputError, TruncatedInputError
from policydigest.ingest.bulletin.pdflayout import PageLayout, PageLine, Table, join_pieces, read_layout
from policydigest.ingest.extract.pdf import open_pdf

log = logging.getLogger(__name__)

#: Share of a page's height, at top and bottom, where running heads and page numbers live.
HEAD_ZONE = 0.1
#: A line at the same place on at least this share of the pages is a running head, not content.
HEAD_SHARE = 0.5
#: Characters that end a sentence; a page whose last line ends with one ends its paragraph there.
SENTENCE_END = "。！？!?；;…:："
CLOSERS = "”’」』）)》"
TOC_HEADINGS = ("本期要目", "目录", "本期目录")

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–·•]*(?:第\s*)?(\d{1,4}|[ivxlcdm]{1,7})(?:\s*页)?(?:\s*[/／]\s*\d+)?[\s\-—–·•]*$", re.I
)
_URL_END = re.compile(r"(?:https?://|www\.)\S*$")
_URL_PIECE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
_TOC_ENTRY = re.compile(r"^(\d{1,3})\s*(\S.*)$")
_TOC_LEADER = re.compile(r"^(\S.*?)\s*[.·…⋯]{2,}\s*(\d{1,3})$")


@dataclass
class PageBlock:
    """A paragraph, title, line or table of the output, and the page it starts on."""

    text: str
    page: int
    is_table: bool = False


def _head_key(page: PageLayout, line: PageLine, side: str) -> tuple[str, int, str]:
    text = "#page" if _PAGE_NUMBER.match(line.text) else re.sub(r"\d+", "#", line.text.replace(" ", ""))
    return side, round(line.y), text


def _head_candidates(page: PageLayout) -> list[tuple[PageLine, tuple[str, int, str]]]:
    zone = HEAD_ZONE * page.height
    out = [(ln, _head_key(page, ln, "top")) for ln in page.lines[:3] if ln.y > page.height - zone]
    out += [(ln, _head_key(page, ln, "bottom")) for ln in page.lines[-3:] if ln.y < zone]
    return out


def drop_running_heads(pages: Sequence[PageLayout]) -> int:
    """Remove lines repeated at the same place at the top or bottom of most pages; return how many.

    Digits are ignored when comparing, so a page number or a header with the page in it repeats too.
    """
    counts: Counter[tuple[str, int, str]] = Counter()
    for page in pages:
        counts.update({key for _, key in _head_candidates(page)})
    needed = max(2, HEAD_SHARE * sum(1 for p in pages if p.lines))
    dropped = 0
    for page in pages:
        heads = {id(ln) for ln, key in _head_candidates(page) if counts[key] >= needed}
        dropped += len(heads)
        page.lines = [ln for ln in page.lines if id(ln) not in heads]
    return dropped


class _Metrics:
    """Where the text column is and how far apart the lines of one paragraph are.

    The column's edges are the commonest line ends over the document (odd and even pages apart,
    for mirrored margins), so a page of short lines such as the masthead is measured correctly.
    """

    def __init__(self, pages: Sequence[PageLayout]) -> None:
        self.index = {id(p): i for i, p in enumerate(pages)}
        self._edges: dict[int, tuple[float, float]] = {}
        for parity in (0, 1):
            lines = [ln for i, p in enumerate(pages) if i % 2 == parity for ln in p.lines]
            if len(lines) < 5:
                lines = [ln for p in pages for ln in p.lines]
            self._edges[parity] = _column_edges(lines)
        steps: dict[float, Counter[float]] = {}
        for page in pages:
            for a, b in zip(page.lines, page.lines[1:], strict=False):
                if a.size == b.size and self.full(page, a):
                    steps.setdefault(a.size, Counter())[round(a.y - b.y, 1)] += 1
        # A line step seen only once or twice may be a gap between paragraphs: not evidence enough.
        self.leading = {size: step for size, c in steps.items() for step, n in c.most_common(1) if n >= 3}

    def edges(self, page: PageLayout) -> tuple[float, float]:
        return self._edges[self.index[id(page)] % 2]

    def full(self, page: PageLayout, line: PageLine) -> bool:
        return line.x1 >= self.edges(page)[1] - 0.6 * line.size

    def same_paragraph_step(self, a: PageLine, b: PageLine) -> bool:
        step = a.y - b.y
        if step <= 0:
            return False
        leading = self.leading.get(a.size)
        limit = leading + 0.25 * a.size if leading else 1.7 * a.size
        return step <= limit


def _column_edges(lines: Sequence[PageLine]) -> tuple[float, float]:
    """Left and right edge of the text column.

    The right edge is the furthest line end that at least three lines share (justified lines all
    end there), unless that falls well short of the longest line (then the shared ends are only
    short headings of equal length, and the longest line marks the edge). Likewise on the left.
    """
    if not lines:
        return 0.0, 0.0
    ends = Counter(round(ln.x1) for ln in lines)
    starts = Counter(round(ln.x0) for ln in lines)
    longest, leftmost = max(ln.x1 for ln in lines), min(ln.x0 for ln in lines)
    shared_ends = [end for end, n in ends.items() if n >= 3]
    shared_starts = [start for start, n in starts.items() if n >= 3]
    right = max(shared_ends) if shared_ends and max(shared_ends) >= 0.85 * longest else longest
    left = min(shared_starts) if shared_starts else leftmost
    return float(left), float(right)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return not stripped or stripped[-1] in SENTENCE_END


def _continues(metrics: _Metrics, page: PageLayout, a: PageLine, b: PageLine) -> bool:
    """Whether ``b`` goes on with the paragraph that ``a`` ends, on the same page.

    A line short of the right edge ends its paragraph (a centred title's lines stay apart, as
    the parser expects), except for a link wrapped early.
    """
    if abs(a.size - b.size) > 0.6 or not metrics.same_paragraph_step(a, b):
        return False
    left, right = metrics.edges(page)
    centre = (left + right) / 2
    centred = abs(b.center - centre) < 0.6 * b.size
    flush = b.x0 - left < 1.0 * b.size
    if metrics.full(page, a):
        # Flush left, a centred title's next line, or the next line of a grid column (a long
        # title in the contents).
        return flush or centred or any(abs(b.x0 - x) < 0.3 * b.size for x in a.segments)
    # A link too long for its line wraps wherever it may, leaving the line short.
    return flush and bool(_URL_END.search(a.text)) and bool(_URL_PIECE.match(b.text))


@dataclass
class _Piece:
    block: PageBlock
    first: PageLine | None  # None for a table
    last: PageLine | None


def _page_blocks(metrics: _Metrics, index: int, page: PageLayout) -> list[_Piece]:
    """The page's blocks, top to bottom."""
    items: list[tuple[float, PageLine | Table]] = [(ln.y, ln) for ln in page.lines]
    items += [(t.top, t) for t in page.tables]
    items.sort(key=lambda item: -item[0])
    pieces: list[_Piece] = []
    for _, item in items:
        if isinstance(item, Table):
            text = "\n".join("\t".join(row) for row in item.rows)
            pieces.append(_Piece(PageBlock(text, index, is_table=True), None, None))
            continue
        last = pieces[-1].last if pieces else None
        if last is None or not _continues(metrics, page, last, item):
            pieces.append(_Piece(PageBlock(item.text, index), item, item))
            continue
        block = pieces[-1].block
        block.text = join_pieces(block.text, item.text)
        pieces[-1].last = item
    return pieces


def _flows_on(metrics: _Metrics, page: PageLayout, nxt: PageLayout, a: PageLine, b: PageLine) -> bool:
    """Whether the paragraph ending ``page`` with ``a`` goes on with ``b`` at the top of ``nxt``."""
    if abs(a.size - b.size) > 0.6 or not metrics.full(page, a) or _ends_sentence(a.text):
        return False
    return b.x0 - metrics.edges(nxt)[0] < 1.0 * b.size


def layout_blocks(pages: Sequence[PageLayout]) -> list[PageBlock]:
    """All blocks of the document, paragraphs broken by a page break joined again."""
    metrics = _Metrics(pages)
    blocks: list[PageBlock] = []
    tail: PageLine | None = None  # last line of the last block so far, if it is text
    tail_page: PageLayout | None = None
    for index, page in enumerate(pages):
        pieces = _page_blocks(metrics, index, page)
        first = pieces[0].first if pieces else None
        if first and tail and tail_page and _flows_on(metrics, tail_page, page, tail, first):
            blocks[-1].text = join_pieces(blocks[-1].text, pieces[0].block.text)
            tail, tail_page = pieces[0].last, page
            pieces = pieces[1:]
        blocks.extend(p.block for p in pieces)
        if pieces:
            tail, tail_page = pieces[-1].last, page
    return blocks


def _is_toc_heading(text: str) -> bool:
    return text.replace(" ", "") in TOC_HEADINGS


def _toc_entry(text: str) -> str | None:
    match = _TOC_ENTRY.match(text)
    if match:
        return f"- {int(match.group(1)):02d} {match.group(2).strip()}"
    match = _TOC_LEADER.match(text)
    if match:
        return f"- {int(match.group(2)):02d} {match.group(1).strip()}"
    return None


def format_toc(blocks: list[PageBlock]) -> list[PageBlock]:
    """Write the entries of 本期要目 as ``- 01 标题`` lines, from its heading to where it stops.

    The contents run on to a following page only if that page opens with an entry, or with a
    column name followed by one.
    """
    out: list[PageBlock] = []
    in_toc = False
    page = -1
    for i, block in enumerate(blocks):
        if not block.is_table and _is_toc_heading(block.text):
            in_toc, page = True, block.page
            out.append(block)
            continue
        if in_toc and block.page != page:
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            opens = _toc_entry(block.text) is not None or (
                len(block.text) <= 12 and following is not None and _toc_entry(following.text) is not None
            )
            in_toc, page = opens, block.page
        entry = _toc_entry(block.text) if in_toc and not block.is_table else None
        out.append(PageBlock(entry, block.page) if entry else block)
    return out


def pdf_to_text(data: bytes) -> str:
    """The text of a bulletin PDF, shaped like the real text extractions (see the module docstring).

    >>> import datetime as dt
    >>> from policydigest.model import Article, Block, Issue
    >>> from policydigest.render.pdf import render_pdf
    >>> issue = Issue(series="示例动态", number=2, total_number=9, date=dt.date(2024, 3, 1),
    ...     articles=[Article(title="示例标题", column="国策要论", blocks=[Block.paragraph("正文。")])])
    >>> text = pdf_to_text(render_pdf(issue, columns=["国策要论"]))
    >>> "- 01 示例标题" in text.splitlines(), "示例标题\\n\\n正文。" in text
    (True, True)
    """
    document = open_pdf(data)
    try:
        try:
            pages = read_layout(document, data)
        except pdfium.PdfiumError as exc:
            raise TruncatedInputError(f"PDF 有一页无法读取（{exc}）") from exc
    finally:
        document.close()
    if not any(p.lines or p.tables for p in pages):
        raise BinaryInputError("PDF 没有文字层（扫描件？），没有可导入的内容")
    dropped = drop_running_heads(pages)
    log.debug("dropped %d running-head lines from %d pages", dropped, len(pages))
    blocks = format_toc(layout_blocks(pages))
    return "\n\n".join(b.text for b in blocks) + "\n"
