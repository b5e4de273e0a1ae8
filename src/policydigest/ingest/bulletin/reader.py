"""Reading a bulletin file: PDF or text in any common Chinese encoding → an ``Issue``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from policydigest.errors import EmptyInputError
from policydigest.ingest.bulletin.parse import parse_bulletin
from policydigest.ingest.decoding import decode_text, is_pdf
from policydigest.model import DEFAULT_BACK_MATTER, DEFAULT_COLUMNS, Issue

log = logging.getLogger(__name__)
SUFFIXES = (".txt", ".md", ".pdf")


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
    if is_pdf(data):
        from policydigest.ingest.bulletin.pdf import pdf_to_text

        text, notes = pdf_to_text(data), list[str]()
    else:
        text, notes = decode_text(data)
    if not text.strip():
        raise EmptyInputError("空文件：只有空白，没有可导入的内容")
    issue = parse_bulletin(text, str(path), columns=columns, back_matter_headings=back_matter_headings)
    issue.warnings[:0] = notes
    return issue
