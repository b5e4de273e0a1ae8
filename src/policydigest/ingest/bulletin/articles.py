"""The body of an issue: where each article starts, and each article's title, blocks, source and link."""

from __future__ import annotations

from dataclasses import dataclass, field

from policydigest.ingest.bulletin.lines import (
    CAPTION,
    LINK,
    NUMBERED_HEADING,
    QR_PROMPT,
    SOURCE,
    SourceLine,
    ends_sentence,
    is_title_like,
)
from policydigest.ingest.bulletin.text import is_cjk, normalize_text, repair_url
from policydigest.model import Block

LONG_LINE = 40  # a line this long is body text, not a title or heading


@dataclass
class RawArticle:
    """An article as found in the body, before it becomes a model ``Article``."""

    start: int  # index of its first title line
    title_lines: int
    entry_index: int | None = None  # its table-of-contents entry, if any
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    source: str | None = None
    url: str | None = None
    extra_urls: list[str] = field(default_factory=list)
    ends_cleanly: bool = False


def is_end_marker(text: str) -> bool:
    """A line that closes an article: its source, the QR prompt, or the original link.

    >>> is_end_marker("（来源：国家数据局）"), is_end_marker("原文链接：https://a.cn"), is_end_marker("正文")
    (True, True, False)
    """
    return bool(SOURCE.search(text) or LINK.match(text) or QR_PROMPT.match(text))


def _next_text(lines: list[SourceLine], i: int, end: int) -> tuple[int, str]:
    for j in range(i, end):
        if lines[j].text:
            return j, lines[j].text
    return end, ""


def title_line_count(lines: list[SourceLine], i: int, end: int) -> int:
    """An untitled-in-contents article's title takes one line, or two when both are headline-like.

    The second line joins only if it is short, unfinished and followed by body text.
    """
    j, second = _next_text(lines, i + 1, end)
    if not second or not is_title_like(second, max_length=32) or is_end_marker(second):
        return 1
    if NUMBERED_HEADING.match(second) or lines[j].has_tab:
        return 1
    _, third = _next_text(lines, j + 1, end)
    return 2 if third and (len(third) >= LONG_LINE or ends_sentence(third)) else 1


def find_unlisted_starts(lines: list[SourceLine], start: int, end: int, taken: set[int]) -> list[int]:
    """Articles the table of contents leaves out: a headline-like line right after an article's end.

    An article ends with its source line, the QR prompt or the original link; what follows
    is a new article if it looks like a headline (short, unfinished, not numbered).
    """
    starts: list[int] = []
    after_end = False
    for i in range(start, end):
        text = lines[i].text
        if not text:
            continue
        if i in taken:
            after_end = False
            continue
        if LINK.match(text) or QR_PROMPT.match(text) or SOURCE.search(text):
            after_end = True
            continue
        if after_end and is_title_like(text) and not NUMBERED_HEADING.match(text) and not lines[i].has_tab:
            starts.append(i)
        after_end = False
    return starts


def _joinable(previous: str, following: str) -> bool:
    """Whether a paragraph broken by a page break continues on the next line."""
    if ends_sentence(previous) or len(previous) < LONG_LINE:
        return False
    return not (is_end_marker(following) or NUMBERED_HEADING.match(following) or CAPTION.search(following))


def _join(previous: str, following: str) -> str:
    # Latin words need their space back; Chinese runs on.
    if previous and following and not is_cjk(previous[-1]) and not is_cjk(following[0]):
        return f"{previous} {following}"
    return previous + following


def build_article(raw: RawArticle, lines: list[SourceLine], end: int) -> RawArticle:
    """Fill title, blocks, source and link of ``raw`` from its lines up to ``end``."""
    title_parts = [line.text for line in lines[raw.start : end] if line.text][: raw.title_lines]
    raw.title = " ".join(normalize_text(part) for part in title_parts)
    body_lines: list[SourceLine] = []
    seen_title = 0
    for line in lines[raw.start : end]:
        if not line.text:
            continue
        if seen_title < raw.title_lines:
            seen_title += 1
            continue
        body_lines.append(line)
    paragraphs: list[tuple[str, bool]] = []  # (text, is_table_row)
    for line in body_lines:
        text = line.text
        if QR_PROMPT.match(text):
            continue
        if LINK.match(text):
            url = repair_url(LINK.sub("", text, count=1))
            if url and raw.url is None:
                raw.url = url
            elif url:
                raw.extra_urls.append(url)
            continue
        source = SOURCE.search(normalize_text(text))
        if source:
            raw.source = normalize_text(source.group(1)) or raw.source
            text = normalize_text(text)[: source.start()].rstrip()
            if not text:
                continue
        if paragraphs and not line.has_tab and not paragraphs[-1][1] and _joinable(paragraphs[-1][0], text):
            paragraphs[-1] = (_join(paragraphs[-1][0], text.strip()), False)
        else:
            paragraphs.append((text, line.has_tab))
    raw.blocks = _blocks(paragraphs)
    last = next((line.text for line in reversed(body_lines) if line.text), "")
    raw.ends_cleanly = bool(raw.source or raw.url or ends_sentence(last))
    return raw


def _blocks(paragraphs: list[tuple[str, bool]]) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    for index, (text, is_row) in enumerate(paragraphs):
        if is_row:
            rows.append([normalize_text(cell) for cell in text.split("\t")])
            continue
        if rows:
            blocks.append(Block.table(rows))
            rows = []
        clean = normalize_text(text)
        next_is_table = index + 1 < len(paragraphs) and paragraphs[index + 1][1]
        after_table = bool(blocks) and blocks[-1].kind == "table"
        if (
            CAPTION.search(clean)
            or (next_is_table and len(clean) < LONG_LINE)
            or (after_table and clean.startswith(("来源", "注")))
        ):
            blocks.append(Block.caption(clean))
        elif is_title_like(clean, max_length=36) and index + 1 < len(paragraphs):
            blocks.append(Block.heading(clean))
        else:
            blocks.append(Block.paragraph(clean))
    if rows:
        blocks.append(Block.table(rows))
    return blocks
