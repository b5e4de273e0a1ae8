"""The draft as it will print: the real PDF (pages in 本期要目 read back from it) and images of its pages.

The PDF of a draft version is made once and kept until the draft changes, so the page images of one
preview come from one rendering.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium

from policydigest.compose.publish import with_pages
from policydigest.desk.workflow import Desk
from policydigest.errors import DeskError
from policydigest.render.pdf import render_pdf

#: Pixels per PDF point of the page images (A4 → about 900 px wide).
SCALE = 1.5


class Preview:
    """PDF and page images of the open draft, cached per draft version."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._kept: tuple[tuple[int, int], bytes] | None = None
        self._lock = threading.Lock()

    def pdf(self) -> bytes:
        """The open draft rendered as the bulletin PDF, with the table of contents' true pages."""
        current = self.desk.current()
        key = (current.draft.id or 0, current.version)
        with self._lock:
            if self._kept is not None and self._kept[0] == key:
                return self._kept[1]
            issue = with_pages(self.desk.preview(), self.desk.columns)
            data = render_pdf(issue, columns=self.desk.columns)
            self._kept = (key, data)
            return data

    def page_count(self) -> int:
        """How many pages the PDF has."""
        return len(pdfium.PdfDocument(self.pdf()))

    def page_png(self, number: int) -> bytes:
        """Page ``number`` (from 1) as a PNG image."""
        document = pdfium.PdfDocument(self.pdf())
        if not 1 <= number <= len(document):
            raise DeskError(f"预览只有{len(document)}页")
        image = document[number - 1].render(scale=SCALE).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
