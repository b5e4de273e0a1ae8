"""Bytes into text, for web pages and bulletin files alike, trusting the bytes over any declaration.

The one decoder of the project, and the one test of what a file's bytes are (PDF, binary, text).
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

from policydigest.errors import BinaryInputError, EmptyInputError

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
_CONTROL_BYTES = frozenset(range(0, 9)) | {11, 12} | frozenset(range(14, 32))
_PDF_HEADER_WINDOW = 1024  # the PDF standard lets the %PDF- header start anywhere in the first 1024 bytes
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


# The most frequent characters of modern Chinese: a wrong CJK codec turns them into rare ones.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由"
    "其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建"
    "月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知"
    "较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志"
    "世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗"
    "完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际"
    "商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲"
    "快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严据"
)


def _cjk_share(text: str) -> float:
    """Share of non-ASCII characters that are common CJK ideographs or CJK punctuation."""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 0.0
    cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(wide)


def _common_share(text: str) -> float:
    """Share of CJK ideographs that are among the most frequent Chinese characters."""
    ideographs = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(1 for c in ideographs if c in _COMMON) / len(ideographs) if ideographs else 0.0


def _guess(data: bytes) -> str:
    """charset-normalizer's verdict, widened to gb18030 where that reads the bytes as likelier Chinese."""
    best = from_bytes(data[:200_000]).best()
    codec = (normalise_charset(best.encoding) if best is not None else None) or "utf-8"
    if codec == "gb18030" or not _decodes(data, "gb18030"):
        return codec
    as_gb = data.decode("gb18030")
    other = data.decode(codec, "replace")
    # Short GBK samples are often reported as Big5 or a single-byte codepage; prefer the reading
    # with more CJK text and more of the common characters.
    gb_score, other_score = (_cjk_share(as_gb), _common_share(as_gb)), (_cjk_share(other), _common_share(other))
    if gb_score >= other_score and gb_score[0] > 0.3:
        return "gb18030"
    return codec


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


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF, judged by content (the %PDF- header), never by a file name.

    >>> is_pdf(b"%PDF-1.7\\n..."), is_pdf(b"\\n  %PDF-1.4"), is_pdf(b"<html>%PDF-</html>"[:4])
    (True, True, False)
    """
    return b"%PDF-" in data[:_PDF_HEADER_WINDOW]


def looks_binary(data: bytes) -> bool:
    """Whether the start of the bytes is binary rather than text: a NUL, or over 5% control bytes.

    Form feeds and vertical tabs count: in a text file they are rare; pdftotext output has a few.

    >>> looks_binary(b"PK\\x03\\x04\\x00\\x00"), looks_binary("第8期".encode())
    (True, False)
    """
    head = data[:4096]
    return b"\x00" in head or sum(byte in _CONTROL_BYTES for byte in head) > 0.05 * max(len(head), 1)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text of a text file (a bulletin, an article) and what was noticed while decoding it.

    UTF-8 first; then the same detection as for pages (byte-order marks, GBK family as gb18030).
    Raises :class:`~policydigest.errors.BadInputError` subclasses with a one-line reason.

    >>> decode_text("数字经济观察 第8期 总第57期 国家数据局发布通知".encode("gbk"))
    ('数字经济观察 第8期 总第57期 国家数据局发布通知', ['文件不是 UTF-8 编码，已按 GB18030 解码'])
    >>> decode_text(b"\\xef\\xbb\\xbf\\xe6\\x95\\xb0")
    ('数', [])
    """
    notes: list[str] = []
    if not data.strip():
        raise EmptyInputError("空文件：没有可导入的内容")
    if looks_binary(data):
        raise BinaryInputError("二进制文件：不是文本或 PDF（应为 .txt、.md 或 .pdf）")
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            # A multi-byte character cut at the very end: the file was truncated, keep what is whole.
            notes.append("文件在一个字符中间结束（不完整），已丢弃末尾残缺的字节")
            return data[: exc.start].decode("utf-8-sig"), notes
    codec = detect_charset(data)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BinaryInputError(f"无法读取的文本：看似 {codec} 编码，但无法解码（{exc.reason}）") from exc
    if _cjk_share(text) < 0.3:
        raise BinaryInputError("无法读取的文本：既不是 UTF-8，也不是可识别的中文编码")
    notes.append(f"文件不是 UTF-8 编码，已按 {codec.upper()} 解码")
    return text, notes
