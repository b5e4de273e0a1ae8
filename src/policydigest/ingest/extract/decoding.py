"""Turn the bytes of a web page into text, trusting the bytes over what the page claims.

Chinese sites often declare one charset and send another (``gb2312`` declared, UTF-8 sent, and the
reverse). The order here: a byte-order mark wins; then UTF-8 if the bytes are valid UTF-8 (GBK text
almost never is); then the HTTP header and the page's ``<meta>`` declarations if the bytes decode
cleanly with them; then charset-normalizer's judgement of the bytes. The GBK family (gb2312, gbk,
cp936) is decoded as its superset gb18030, so rare characters survive.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.I)
_GBK_FAMILY = {"gb2312", "gbk", "cp936", "ms936", "x-gbk", "gb_2312-80", "gb_2312", "euc-cn", "csgb2312", "936"}
_SINGLE_BYTE = {"ascii", "latin-1", "iso8859-1", "cp1252", "windows-1252"}
_HEAD_BYTES = 8192  # where <meta charset> must appear per the HTML standard (1024), with room for sloppy pages


def normalise_charset(name: str | None) -> str | None:
    """The Python codec for a charset label, with the GBK family widened to gb18030; None if unknown.

    >>> normalise_charset("GB2312"), normalise_charset("utf8"), normalise_charset("no-such")
    ('gb18030', 'utf-8', None)
    """
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GBK_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec in {"gbk", "gb2312", "cp936"}:
        return "gb18030"
    if codec in {"latin-1", "iso8859-1", "ascii"}:
        # Browsers read these labels as windows-1252; so do we.
        return "cp1252"
    return codec


def declared_in_html(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, as a codec name.

    >>> declared_in_html(b'<html><head><meta charset="gb2312"></head>')
    'gb18030'
    """
    for match in _META_CHARSET.finditer(data[:_HEAD_BYTES]):
        codec = normalise_charset(match.group(1).decode("ascii", "ignore"))
        if codec:
            return codec
    return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _guess(data: bytes) -> str:
    """charset-normalizer's verdict, with Chinese-family answers widened to gb18030."""
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return "gb18030" if _decodes(data, "gb18030") else "utf-8"
    codec = normalise_charset(best.encoding) or "utf-8"
    # Short GBK samples are sometimes reported as Big5 or a single-byte codepage; gb18030 reads them cleanly.
    if codec != "gb18030" and _decodes(data, "gb18030") and _cjk_share(data.decode("gb18030")) > 0.3:
        if codec in _SINGLE_BYTE or _cjk_share(data.decode(codec, "replace")) < _cjk_share(data.decode("gb18030")):
            return "gb18030"
    return codec


def _cjk_share(text: str) -> float:
    """Share of non-ASCII characters that are common CJK ideographs or CJK punctuation."""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 0.0
    cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(wide)


def detect_charset(data: bytes, *, declared: str | None = None) -> str:
    """The codec the bytes are really in, given the charset the HTTP header declared (if any).

    >>> detect_charset("政策".encode("utf-8"), declared="gb2312")
    'utf-8'
    >>> detect_charset("数据要素市场".encode("gbk"), declared="utf-8")
    'gb18030'
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if data.isascii():
        return normalise_charset(declared) or declared_in_html(data) or "utf-8"
    if _decodes(data, "utf-8"):
        return "utf-8"
    for candidate in (normalise_charset(declared), declared_in_html(data)):
        # A single-byte codepage decodes any bytes, so it proves nothing: let the bytes decide.
        if candidate and candidate != "utf-8" and candidate not in _SINGLE_BYTE and _decodes(data, candidate):
            return candidate
    guessed = _guess(data)
    log.info("charset: declared %r / meta %r do not fit the bytes; using %s", declared, declared_in_html(data), guessed)
    return guessed


def decode_html(data: bytes, *, declared: str | None = None) -> str:
    """Decode a page's bytes to text; ``declared`` is the charset from the HTTP Content-Type header.

    Undecodable bytes become U+FFFD rather than failing: one bad byte must not lose a page.

    >>> decode_html("<p>数据</p>".encode("gbk"), declared="utf-8")
    '<p>数据</p>'
    >>> decode_html('<meta charset="gb2312"><p>数据</p>'.encode("utf-8"))
    '<meta charset="gb2312"><p>数据</p>'
    """
    codec = detect_charset(data, declared=declared)
    for bom, bom_codec in _BOMS:
        if codec == bom_codec and data.startswith(bom):
            data = data[len(bom) :]
            break
    return data.decode(codec, errors="replace")
