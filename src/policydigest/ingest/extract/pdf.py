"""Opening PDFs (bulletins and attachments alike) and the text of a PDF attachment, with pypdfium2."""

from __future__ import annotations

import logging

import pypdfium2 as pdfium

from policydigest.errors import BadInputError, BinaryInputError, EmptyInputError, TruncatedInputError
from policydigest.ingest.decoding import is_pdf

log = logging.getLogger(__name__)

#: More pages than this are not read: attachments are notices and rules, not books.
MAX_PAGES = 300


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open ``data`` as a PDF, or say in one line why it is not a readable one.

    >>> open_pdf(b"PK\\x03\\x04 zip")
    Traceback (most recent call last):
    ...
    policydigest.errors.BinaryInputError: 不是 PDF：开头没有 %PDF- 标记
    """
    if not data.strip():
        raise EmptyInputError("文件是空的")
    if not is_pdf(data):
        raise BinaryInputError("不是 PDF：开头没有 %PDF- 标记")
    if b"%%EOF" not in data[-2048:]:
        raise TruncatedInputError("PDF 不完整：结尾没有 %%EOF")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise BadInputError("PDF 有密码保护") from exc
        raise TruncatedInputError(f"PDF 已损坏，无法读取（{exc}）") from exc
    if len(document) == 0:
        raise TruncatedInputError("PDF 没有页面")
    return document


def pdf_text(data: bytes, *, max_pages: int = MAX_PAGES) -> str:
    """All text of a PDF, pages separated by form feeds.

    Raises :class:`~policydigest.errors.BadInputError` when the bytes are not a readable PDF;
    returns '' (and logs why) for a PDF without a text layer (a scan).

    >>> pdf_text(b"not a pdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policydigest.errors.BinaryInputError: 不是 PDF：...
    """
    document = open_pdf(data)
    try:
        pages = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        if len(document) > max_pages:
            log.info("PDF has %d pages; read the first %d", len(document), max_pages)
    finally:
        document.close()
    text = "\f".join(pages)
    if not text.strip():
        log.info("PDF has no text layer (a scan?)")
    return text
