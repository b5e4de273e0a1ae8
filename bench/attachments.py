"""Attachment text extraction: pages per second per format, policydigest against the bare library call.

The documents are the test suite's notice (tests/attachment_files.py) made ``--pages`` pages long:
PDF (typst), DOCX (python-docx), DOC (LibreOffice, when installed), OFD, XLSX (one table row block
per "page") and a scanned PDF (OCR). Each format is read in the same process, rounds alternating,
by policydigest's ``read_document`` (format sniffing, structure, limits) and by the bare library
call it wraps (pypdfium2 text, python-docx paragraphs, antiword, easyofd, openpyxl rows,
Tesseract on the rendered pages). Run: ``python -m bench attachments`` (BENCH_ATTACHMENTS_PAGES=20),
or ``python -m bench.attachments --pages 20 [--rounds 3]``; ``--smoke``: one page, one round.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Reader = Callable[[bytes], object]


#: Pages of the scanned PDF at most: OCR reads about a page a second, so more pages only make the run longer.
SCAN_PAGES = 2


def page_counts(pages: int) -> dict[str, int]:
    """How many pages each format's document has (the scan is capped at ``SCAN_PAGES``).

    >>> page_counts(10)["scan"], page_counts(10)["pdf"], page_counts(1)["scan"]
    (2, 10, 1)
    """
    return {kind: min(pages, SCAN_PAGES) if kind == "scan" else pages for kind in BARE}


def documents(folder: Path, pages: int) -> dict[str, bytes]:
    """The notice in every format, ``pages`` pages long (the scan at most ``SCAN_PAGES``; DOC only when
    LibreOffice is installed)."""
    from tests import attachment_files as made

    docx = made.docx_bytes(made.LINES * pages)
    found = {
        "pdf": made.typst_pdf(folder, pages=pages),
        "docx": docx,
        "ofd": made.ofd_bytes(pages=pages),
        "xlsx": made.xlsx_bytes(copies=pages),
        "scan": made.scanned_pdf(folder, pages=page_counts(pages)["scan"]),
    }
    if shutil.which("soffice"):
        found["doc"] = made.office_binary(folder, docx)
    return found


def _bare_pdf(data: bytes) -> object:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    text = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    document.close()
    return text


def _bare_docx(data: bytes) -> object:
    import docx

    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def _bare_doc(data: bytes) -> object:
    with tempfile.NamedTemporaryFile(suffix=".doc") as file:
        file.write(data)
        file.flush()
        return subprocess.run(["antiword", "-m", "UTF-8.txt", file.name], capture_output=True, check=True).stdout


def _bare_ofd(data: bytes) -> object:
    import contextlib

    from easyofd.ofd import OFD

    reader = OFD()
    with contextlib.redirect_stdout(io.StringIO()):
        reader.read(data, fmt="binary")
    return reader.data


def _bare_xlsx(data: bytes) -> object:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    workbook.close()
    return rows


def _bare_scan(data: bytes) -> object:
    import pypdfium2 as pdfium
    import pytesseract

    document = pdfium.PdfDocument(data)
    images = [document[i].render(scale=300 / 72, grayscale=True).to_pil() for i in range(len(document))]
    return [pytesseract.image_to_string(image, lang="chi_sim+eng") for image in images]


BARE: dict[str, Reader] = {
    "pdf": _bare_pdf,
    "docx": _bare_docx,
    "doc": _bare_doc,
    "ofd": _bare_ofd,
    "xlsx": _bare_xlsx,
    "scan": _bare_scan,
}


def _ours(kind: str) -> Reader:
    from policydigest.ingest.extract.attachment_text import read_document

    suffix = "pdf" if kind == "scan" else kind

    def read(data: bytes) -> object:
        document = read_document(data, url=f"http://127.0.0.1/notice.{suffix}", kind=suffix)
        if document.reason:
            raise RuntimeError(f"{kind}: {document.reason}")
        return document

    return read


def timings(docs: dict[str, bytes], rounds: int) -> dict[str, dict[str, float]]:
    """Best-of-``rounds`` seconds per format, for policydigest and the bare call (rounds alternate)."""
    best: dict[str, dict[str, float]] = {}
    for kind, data in docs.items():
        runners = {"policydigest": _ours(kind), "bare": BARE[kind]}
        for run in runners.values():  # warm-up: imports (easyofd loads its fonts), caches
            run(data)
        best[kind] = {name: float("inf") for name in runners}
        for _ in range(rounds):
            for name, run in runners.items():
                start = time.perf_counter()
                run(data)
                best[kind][name] = min(best[kind][name], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None, smoke: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=int(os.environ.get("BENCH_ATTACHMENTS_PAGES", "10")))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="One page, one round: a quick check that it runs.")
    args = parser.parse_args(argv or [])
    pages, rounds = (1, 1) if smoke or args.smoke else (args.pages, args.rounds)
    with tempfile.TemporaryDirectory(prefix="bench-attachments-") as tmp:
        docs = documents(Path(tmp), pages)
    found = timings(docs, rounds)
    counts = page_counts(pages)
    table = Table("format", "pages", "policydigest pages/s", "bare library pages/s", "ratio")
    for kind, seconds in found.items():
        ours, bare = seconds["policydigest"], seconds["bare"]
        table.add_row(kind, str(counts[kind]), f"{counts[kind] / ours:.1f}", f"{counts[kind] / bare:.1f}",
                      f"{ours / bare:.2f}×")
    Console().print(table)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
