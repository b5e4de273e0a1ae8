"""Lines of a document's text into blocks: numbered headings (一、 （一） 1. 第一章 第一条) and paragraphs.

PDF and plain-text readers give lines broken where the page ran out, not where a paragraph ends;
lines are joined until one ends a sentence or the next opens a numbered heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from policydigest.model import Block

# The numbering Chinese official documents use for their headings, outermost first.
_HEADING = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十百零〇\d]+[章节篇部分条]"
    r"|[一二三四五六七八九十]{1,3}[、．.]"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|\d{1,2}[、．.](?!\d)"
    r"|[（(]\d{1,2}[）)]"
    r"|附件\s*\d*\s*[:：]?\s*$"
    r")"
)
_SENTENCE_END = ("。", "；", "！", "？", "：", ";", "!", "?", ":", "”", "」")
#: A heading is a short line: longer numbered lines are numbered paragraphs.
HEADING_MAX_CHARS = 40
_CJK = "\u3000-\u9fff\uff00-\uffef"
# Spaces beside a Chinese character (or inside brackets) are layout, not text: PDF and OCR add them.
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}0-9A-Za-z(])|(?<=[{_CJK}0-9A-Za-z)])[ \t\u00a0]+(?=[{_CJK}])"
    r"|(?<=[(（])[ \t]+|[ \t]+(?=[)）])"
)


def is_heading(line: str) -> bool:
    """Whether ``line`` reads as a numbered heading of an official document.

    >>> is_heading("一、总体要求"), is_heading("（二）加快建设"), is_heading("第三条 适用范围")
    (True, True, True)
    >>> is_heading("1.5亿元用于建设。"), is_heading("到2025年，数据要素市场规模达到100亿元。")
    (False, False)
    """
    text = line.strip()
    if not text or len(text) > HEADING_MAX_CHARS or not _HEADING.match(text):
        return False
    # A numbered line that is a whole sentence is a numbered paragraph, not a heading.
    return not (text.endswith("。") and len(text) > 20)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe\uffff]")


def tidy(line: str) -> str:
    """One line without the spaces OCR and PDF layout put between Chinese characters.

    >>> tidy("数 据 要 素  市场 "), tidy("到 2027 年达到 300 亿元"), tidy("(一 ) 健全 API 接口")
    ('数据要素市场', '到2027年达到300亿元', '(一)健全API接口')
    """
    return _LAYOUT_SPACE.sub("", _CONTROL.sub("", line)).strip()


def blocks_from_lines(lines: Iterable[str]) -> list[Block]:
    """Headings and paragraphs from lines broken by page width.

    >>> lines = ["一、总体要求", "到2025年，数据", "要素市场建成。", "二、重点任务"]
    >>> [(b.kind.value, b.text) for b in blocks_from_lines(lines)]
    [('heading', '一、总体要求'), ('paragraph', '到2025年，数据要素市场建成。'), ('heading', '二、重点任务')]
    """
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(Block.paragraph("".join(pending)))
            pending.clear()

    for raw in lines:
        line = tidy(raw)
        if not line:
            flush()
            continue
        if is_heading(line):
            flush()
            blocks.append(Block.heading(line))
            continue
        pending.append(line)
        if line.endswith(_SENTENCE_END):
            flush()
    flush()
    return blocks


def blocks_from_text(text: str) -> list[Block]:
    """Blocks from plain text (pages separated by form feeds).

    >>> [b.text for b in blocks_from_text("（一）目标\\n全面建成。\\f第二页。")]
    ['（一）目标', '全面建成。', '第二页。']
    """
    return blocks_from_lines(text.replace("\f", "\n").splitlines())
