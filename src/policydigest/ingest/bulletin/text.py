"""Text repairs for PDF-extracted Chinese: artifact spaces, punctuation width, Markdown, URLs.

Every function here is pure and works on one string.
"""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs plus the punctuation that lives among them (、。《》“”（）：… —).
_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7"
CJK = f"[{_CJK_CHARS}]"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014"
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES = "[ \t\u3000\u00a0]+"

_CJK_CJK_SPACE = re.compile(f"(?<={CJK}){_SPACES}(?={CJK})")
_PUNCT_SPACE = re.compile(f"(?<=[{_CJK_PUNCT}]){_SPACES}|{_SPACES}(?=[{_CJK_PUNCT}])")
_TOKEN_BEFORE_CJK = re.compile(f"([A-Za-z0-9.%+\\-]+){_SPACES}(?={CJK})")
_TOKEN_AFTER_CJK = re.compile(f"(?<={CJK}){_SPACES}([A-Za-z0-9.%+\\-]+)")
_PARENS = re.compile(r"\(([^()]*)\)")
_HALF_TO_FULL = {":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}
_LONE_PUNCT = re.compile(r"[:,;?!]")

_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_MD_BOLD = re.compile(r"\*\*(.*?)\*\*|__(.*?)__")
_MD_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_MD_ESCAPE = re.compile(r"\\+([_*\[\]()#>`\\-])")


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph or CJK punctuation.

    >>> is_cjk("数"), is_cjk("，"), is_cjk("A")
    (True, True, False)
    """
    return bool(re.fullmatch(CJK, char))


def has_ideograph(text: str) -> bool:
    """Whether ``text`` contains at least one Chinese character.

    >>> has_ideograph("IPv6 部署"), has_ideograph("GDPR")
    (True, False)
    """
    return bool(_IDEOGRAPH.search(text))


def strip_markdown(line: str) -> tuple[str, int]:
    """Remove Markdown heading marks, bold, links and escapes; return the text and heading level.

    >>> strip_markdown("## **本期要目**")
    ('本期要目', 2)
    >>> strip_markdown(r"见[https://a.cn/x\\_y](https://a.cn/x_y)")
    ('见https://a.cn/x_y', 0)
    """
    level = 0
    heading = _MD_HEADING.match(line)
    if heading:
        level = len(heading.group(1))
        line = line[heading.end() :]
    line = _MD_LINK.sub(lambda m: m.group(2) or m.group(1), line)
    line = _MD_BOLD.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line)
    line = _MD_ESCAPE.sub(r"\1", line)
    return line, level


def _drop_number_spaces(match: re.Match[str]) -> str:
    token = match.group(1)
    # A token with Latin letters (IPv6, NAT44, AI) keeps its space; a bare number (2024) does not.
    return match.group(0) if re.search("[A-Za-z]", token) else token


def _full_width_parens(match: re.Match[str]) -> str:
    inner = match.group(1)
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if has_ideograph(inner) or (before and is_cjk(before)) or (after and is_cjk(after)):
        return f"（{inner}）"
    return match.group(0)


def _full_width_punct(match: re.Match[str]) -> str:
    text, i = match.string, match.start()
    char = match.group(0)
    before = text[:i].rstrip()[-1:] if text[:i].strip() else ""
    after = text[i + 1 :].lstrip()[:1]
    if char == "," and before.isdigit() and after.isdigit():
        return char  # thousands separator: 1,000
    if (before and is_cjk(before)) or (after and is_cjk(after)):
        return _HALF_TO_FULL[char]
    return char


def normalize_text(text: str, *, keep_cjk_spaces: bool = False) -> str:
    """Repair a line of PDF-extracted Chinese: artifact spaces out, punctuation full-width.

    Spaces between Chinese characters, and between Chinese and bare numbers, are artifacts of
    PDF extraction and go; spaces next to Latin words stay. Half-width punctuation touching
    Chinese becomes full-width. ``keep_cjk_spaces`` keeps spaces between two Chinese characters
    (a headline/sub-headline separator in a table of contents).

    >>> normalize_text("截至 2024 年 5 月，IPv6 活跃用户达到 7.94 亿户")
    '截至2024年5月，IPv6 活跃用户达到7.94亿户'
    >>> normalize_text("(来源: 国家数据局)")
    '（来源：国家数据局）'
    >>> normalize_text("召开 部署八项重点工作", keep_cjk_spaces=True)
    '召开 部署八项重点工作'
    """
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").strip()
    for _ in range(8):  # a dropped space can bring a mark next to Chinese: repeat until nothing changes
        repaired = _repair_once(text, keep_cjk_spaces=keep_cjk_spaces)
        if repaired == text:
            break
        text = repaired
    return text


def _repair_once(text: str, *, keep_cjk_spaces: bool) -> str:
    for _ in range(4):  # a run like "。,," or "场,()" converts one mark per pass
        converted = _LONE_PUNCT.sub(_full_width_punct, _PARENS.sub(_full_width_parens, text))
        if converted == text:
            break
        text = converted
    if not keep_cjk_spaces:
        text = _CJK_CJK_SPACE.sub("", text)
    text = _PUNCT_SPACE.sub("", text)
    text = _TOKEN_BEFORE_CJK.sub(_drop_number_spaces, text)
    text = _TOKEN_AFTER_CJK.sub(_drop_number_spaces, text)
    return re.sub(" {2,}", " ", text)


def fold(text: str) -> str:
    """A matching key: width-folded, lower-case, without spaces, punctuation or Markdown.

    >>> fold("欧盟网络安全局(ENISA)发布 《指南》") == fold("欧盟网络安全局（ENISA）发布《指南》")
    True
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


_NOT_WORD = re.compile(r"[\W_]+")
_URL = re.compile(r"https?://\S+(?:\s+\S+)*")


def repair_url(text: str) -> str | None:
    """Recover a URL that PDF extraction broke: spaces inside, ``<…>``, ``[url](url)``, ``\\_``.

    >>> repair_url("<https://www.example.gov.cn/cy fz/2024/e12 9b.html>")
    'https://www.example.gov.cn/cyfz/2024/e129b.html'
    >>> repair_url("[https://a.cn/art\\\\_1.html](https://a.cn/art_1.html)")
    'https://a.cn/art_1.html'
    >>> repair_url("见附件") is None
    True
    """
    link = _MD_LINK.search(text)
    if link and link.group(2).startswith("http"):
        text = link.group(2)
    text = _MD_ESCAPE.sub(r"\1", text).replace("<", " ").replace(">", " ")
    match = _URL.search(text)
    if match is None:
        return None
    url = re.sub(r"\s+", "", match.group(0))
    return url.rstrip("。，；）)>】]")
