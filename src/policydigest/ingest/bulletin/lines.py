"""The bulletin text as a list of cleaned lines, and the line shapes the parser recognises."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policydigest.ingest.bulletin.text import normalize_text, strip_markdown

#: 2024年4月12日 第13期 总第176期 (each part may also stand on its own line).
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
NUMBER = re.compile(r"第\s*(\d{1,4})\s*期")
TOTAL = re.compile(r"总\s*第\s*(\d{1,5})\s*期")
SOURCE = re.compile(r"[（(]\s*来\s*源\s*[:：]\s*([^（）()]*?)\s*[）)]\s*$")
LINK = re.compile(r"^\s*原文(?:链接|地址)\s*[:：]?")
QR_PROMPT = re.compile(r"^\s*扫描?二维码")
CAPTION = re.compile(r"^(?:图|表)\s*\d+|[（(]\s*单位\s*[:：][^）)]*[）)]\s*$")
NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．]\s*\S)")
SENTENCE_END = "。！？；…”’」』）)!?;"


@dataclass(frozen=True)
class SourceLine:
    """One source line with Markdown taken off (heading marks carry no meaning in real issues)."""

    text: str

    @property
    def has_tab(self) -> bool:
        return "\t" in self.text.strip(" ") and len(self.text.split("\t")) > 2


def split_lines(text: str) -> list[SourceLine]:
    """Cleaned lines (Markdown removed, white space trimmed), one per source line.

    >>> [line.text for line in split_lines("# 标题\\n\\n**正文**  ")]
    ['标题', '', '正文']
    """
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped, _level = strip_markdown(raw.rstrip())
        # Tabs are table structure; other leading/trailing white space is layout.
        cleaned = stripped.strip(" \u3000\u00a0\ufeff") if "\t" in stripped else stripped.strip()
        lines.append(SourceLine(cleaned))
    return lines


def is_title_like(text: str, max_length: int = 48) -> bool:
    """A line that could be a title or a sub-heading: short, not a finished sentence.

    >>> is_title_like("甘肃将加快推进工业领域“智改数转网联”")
    True
    >>> is_title_like("会议指出，要加快建设。")
    False
    """
    plain = normalize_text(text)
    if not plain or len(plain) > max_length or plain[-1] in "。；：:，,、":
        return False
    return not (SOURCE.search(plain) or LINK.match(plain) or QR_PROMPT.match(plain))


def ends_sentence(text: str) -> bool:
    """Whether a line ends where a paragraph may end.

    >>> ends_sentence("已全面具备。"), ends_sentence("强化党的政")
    (True, False)
    """
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_END
