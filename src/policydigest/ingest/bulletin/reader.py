"""Reading a bulletin file: PDF or text in any common Chinese encoding → an ``Issue``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from charset_normalizer import from_bytes

from policydigest.errors import BinaryInputError, EmptyInputError
from policydigest.ingest.bulletin.parse import parse_bulletin
from policydigest.model import DEFAULT_BACK_MATTER, DEFAULT_COLUMNS, Issue

log = logging.getLogger(__name__)
SUFFIXES = (".txt", ".md", ".pdf")
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text of a bulletin file and what was noticed while decoding it.

    UTF-8 is tried first; otherwise the encoding is detected (GBK/GB18030 files are common).

    >>> decode_text("数字经济观察 第8期 总第57期 国家数据局发布通知".encode("gbk"))[0]
    '数字经济观察 第8期 总第57期 国家数据局发布通知'
    >>> decode_text(b"\\xef\\xbb\\xbf\\xe6\\x95\\xb0")
    ('数', [])
    """
    notes: list[str] = []
    if not data.strip():
        raise EmptyInputError("empty file: nothing to import")
    if b"\x00" in data[:4096] or sum(byte in _CONTROL for byte in data[:4096]) > 0.05 * min(len(data), 4096):
        raise BinaryInputError("binary file: not text or PDF (expected .txt, .md or .pdf)")
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            # A multi-byte character cut at the very end: the file was truncated, keep what is whole.
            notes.append("the file ends inside a character (truncated); the broken last bytes were dropped")
            return data[: exc.start].decode("utf-8-sig"), notes
    # Bulletins are Chinese: only Chinese encodings compete, so short GBK text is not read as Shift-JIS.
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_32"]).best()
    if best is None or best.encoding is None:
        raise BinaryInputError("unreadable text: neither UTF-8 nor a recognised Chinese encoding")
    encoding = (
        "gb18030" if best.encoding.lower().replace("_", "") in {"gbk", "gb2312", "gb18030", "hz"} else best.encoding
    )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BinaryInputError(f"unreadable text: looks like {encoding} but does not decode ({exc.reason})") from exc
    notes.append(f"the file is not UTF-8; decoded as {encoding.upper()}")
    return text, notes


def read_bulletin(
    path: Path,
    *,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    back_matter_headings: Sequence[str] = DEFAULT_BACK_MATTER,
) -> Issue:
    """Read and parse one bulletin file (``.txt``, ``.md`` or ``.pdf``, decided by content).

    Raises a ``BadInputError`` subclass with a one-line reason for anything it cannot import.

    >>> read_bulletin(Path("src/policydigest/data/sample/sample-bulletin-no8.txt")).total_number
    57
    """
    data = path.read_bytes()
    if data.lstrip().startswith(b"%PDF"):
        from policydigest.ingest.bulletin.pdf import pdf_to_text

        text, notes = pdf_to_text(data), list[str]()
    else:
        text, notes = decode_text(data)
    if not text.strip():
        raise EmptyInputError("empty file: only white space, nothing to import")
    issue = parse_bulletin(text, str(path), columns=columns, back_matter_headings=back_matter_headings)
    issue.warnings[:0] = notes
    return issue
