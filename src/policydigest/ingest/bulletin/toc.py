"""本期要目: column headings and ``NN 标题`` entries, and finding each entry's article in the body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from policydigest.ingest.bulletin.lines import SourceLine
from policydigest.ingest.bulletin.text import fold, has_ideograph, normalize_text
from policydigest.model import TocEntry

# "- 01 标题" (page first, as printed) or "标题 …… 12" (dot leaders, page last).
PAGE_FIRST = re.compile(r"^[-*•·]?\s*(\d{1,3})\s+(\S.*)$")
PAGE_LAST = re.compile(r"^[-*•·]?\s*(\S.*?)\s*(?:[.…·]{2,}|\s{2,})\s*(\d{1,3})$")
MATCH_THRESHOLD = 0.8


@dataclass(frozen=True)
class Toc:
    """The parsed table of contents and where the body starts."""

    entries: list[TocEntry]
    body_start: int
    warnings: list[str]


def _entry(text: str) -> tuple[int, str] | None:
    for pattern, page_group, title_group in ((PAGE_FIRST, 1, 2), (PAGE_LAST, 2, 1)):
        match = pattern.match(text)
        if match and has_ideograph(match.group(title_group)):
            return int(match.group(page_group)), match.group(title_group)
    return None


def _is_column_heading(text: str, columns: Sequence[str], next_text: str) -> bool:
    compact = text.replace(" ", "")
    if compact in columns:
        return True
    # An unknown column: a short all-Chinese line followed by an entry.
    return len(compact) <= 8 and compact.isalpha() and has_ideograph(compact) and _entry(next_text) is not None


def parse_toc(lines: list[SourceLine], start: int, columns: Sequence[str]) -> Toc:
    """Entries from the line after 本期要目 up to the first line that is neither heading nor entry."""
    entries: list[TocEntry] = []
    warnings: list[str] = []
    column: str | None = None
    i = start + 1 if start < len(lines) and lines[start].text.replace(" ", "") == "本期要目" else start
    while i < len(lines):
        text = lines[i].text
        following = next((line.text for line in lines[i + 1 :] if line.text), "")
        if not text:
            i += 1
            continue
        if _is_column_heading(text, columns, following):
            column = text.replace(" ", "")
            if column not in columns:
                warnings.append(f"目录中的栏目«{column}»不在设置所列的栏目中")
        elif (entry := _entry(text)) is not None and column is not None:
            page, title = entry
            entries.append(TocEntry(column=column, title=normalize_text(title, keep_cjk_spaces=True), page=page))
        else:
            break
        i += 1
    return Toc(entries=entries, body_start=i, warnings=warnings)


@dataclass(frozen=True)
class Anchor:
    """Where a table-of-contents entry's article starts in the body, and how many title lines it has."""

    entry_index: int
    line_index: int
    title_lines: int
    score: float


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds rule out most lines before the full comparison.
    if matcher.real_quick_ratio() < MATCH_THRESHOLD or matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


def find_anchors(entries: list[TocEntry], lines: list[SourceLine], start: int, end: int) -> list[Anchor]:
    """Match every entry to the body line(s) holding its title, tolerating small differences.

    Titles may be broken over two lines, spaced differently, or differ by a character
    (美国国防部/美国防部); each body line is claimed by at most one entry, the best match.
    """
    candidates: list[Anchor] = []
    body = [i for i in range(start, end) if lines[i].text]
    folded = [fold(lines[i].text) for i in body]
    for entry_index, entry in enumerate(entries):
        key = fold(entry.title)
        for position, i in enumerate(body):
            one = folded[position]
            if not one or len(one) > 1.6 * len(key) + 4:
                continue
            options = [(1, _similarity(key, one))]
            if position + 1 < len(body):
                options.append((2, _similarity(key, one + folded[position + 1])))
            title_lines, score = max(options, key=lambda option: option[1])
            if score >= MATCH_THRESHOLD:
                candidates.append(Anchor(entry_index, i, title_lines, score))
    chosen: dict[int, Anchor] = {}
    used_lines: set[int] = set()
    for anchor in sorted(candidates, key=lambda a: -a.score):
        if anchor.entry_index in chosen or anchor.line_index in used_lines:
            continue
        chosen[anchor.entry_index] = anchor
        used_lines.update(body[body.index(anchor.line_index) + k] for k in range(anchor.title_lines))
    return sorted(chosen.values(), key=lambda a: a.line_index)
