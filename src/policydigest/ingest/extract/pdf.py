"""Text of a PDF attachment (the fetcher downloads it; this reads it) with pypdfium2."""

from __future__ import annotations

import logging

import pypdfium2 as pdfium

from policydigest.errors import BadInputError

log = logging.getLogger(__name__)

#: More pages than this are not read: attachments are notices and rules, not books.
MAX_PAGES = 300


def pdf_text(data: bytes, *, max_pages: int = MAX_PAGES) -> str:
    """All text of a PDF, pages separated by form feeds.

    Raises :class:`~policydigest.errors.BadInputError` when the bytes are not a readable PDF;
    returns '' (and logs why) for a PDF without a text layer (a scan).

    >>> pdf_text(b"not a pdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policydigest.errors.BadInputError: not a readable PDF: ...
    """
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise BadInputError("not a readable PDF: it does not start with %PDF")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise BadInputError(f"not a readable PDF: {exc}") from exc
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
