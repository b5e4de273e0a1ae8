"""Numbers as Chinese policy texts write them: ``1.5万``, ``2.85亿``, ``1,200``, ``十七``.

Shared by the target, money and authority extractors (``等十七部门``).
"""

from __future__ import annotations

import re

#: An Arabic number as written in the text (thousands commas and full-width digits allowed).
NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"

#: Magnitude words that multiply the number before them.
MULTIPLIERS: dict[str, float] = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
MULTIPLIER = "(?:万亿|亿|万|千)"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_INTEGER = "[零〇一二两三四五六七八九十百千]+"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def parse_number(text: str, multiplier: str | None = None) -> float | None:
    """The value of an Arabic or Chinese number, times its magnitude word; None if unreadable.

    >>> parse_number("1.5", "万")
    15000.0
    >>> parse_number("1,200")
    1200.0
    >>> parse_number("十七")
    17.0
    >>> parse_number("abc") is None
    True
    """
    cleaned = text.translate(_FULLWIDTH).replace(",", "").replace(" ", "")
    value: float | None
    try:
        value = float(cleaned)
    except ValueError:
        value = parse_chinese_integer(cleaned)
    if value is None:
        return None
    return value * MULTIPLIERS.get(multiplier or "", 1.0)


def parse_chinese_integer(text: str) -> float | None:
    """A Chinese integer below ten thousand (``四`` → 4, ``二十三`` → 23, ``一百零五`` → 105).

    >>> parse_chinese_integer("二十三")
    23.0
    >>> parse_chinese_integer("十") , parse_chinese_integer("") is None
    (10.0, True)
    """
    if not text or not re.fullmatch(CN_INTEGER, text):
        return None
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
    return float(total + digit)
