"""Text made safe to keep and to write anywhere: no control characters, lone surrogates or bidi overrides.

Crawled pages and PDF-extracted text carry characters no reader wants and some writers refuse: a form
feed from pdftotext makes every XML writer fail, a NUL cannot go into PostgreSQL, a lone surrogate
cannot be encoded, and U+202E makes "gnp.exe" show as "exe.png". The model cleans every text field
with :func:`clean_text` as it is built; XML writers call it again so they stay safe on their own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

#: C0 controls but tab and newline, DEL and C1 controls, bidi embeddings/overrides/isolates and marks,
#: surrogates (only lone ones can exist in a str) and the two noncharacters XML forbids.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_CARRIAGE_RETURN = re.compile("\r\n?")
_URL_UNSAFE = re.compile(r"[<>\"'`\\]")


def clean_text(text: str) -> str:
    """``text`` without unsafe characters; line ends become ``\\n``, tabs stay.

    >>> clean_text("封面\\x0c标题\\u202egnp.exe\\ud800\\x85")
    '封面标题gnp.exe'
    >>> clean_text("第一行\\r\\n第二行\\t末")
    '第一行\\n第二行\\t末'
    """
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    return _UNSAFE.sub("", text)


def clean_value(value: Any) -> Any:
    """``value`` with :func:`clean_text` applied to every string in it (lists, tuples and dicts, keys too).

    >>> clean_value({"k\\x00": ["a\\x0bb", 1]})
    {'k': ['ab', 1]}
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(clean_value(item) for item in value)
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    return value


def http_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) address (white space inside removed), else None.

    Only such addresses are stored or linked: ``javascript:``, ``data:``, relative and host-less ones never.

    >>> http_url(" https://www.example.gov.cn/a b\u00ad.html"), http_url("javascript:alert(1)"), http_url("https:///x")
    ('https://www.example.gov.cn/ab.html', None, None)
    """
    if not value:
        return None
    # White space and invisible format characters (soft hyphen, zero-width space) are never part of an address.
    url = "".join(c for c in "".join(clean_text(value).split()) if unicodedata.category(c) != "Cf")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or _URL_UNSAFE.search(url):
        return None
    return url
