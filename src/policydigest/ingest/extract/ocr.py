"""Scanned PDFs (红头文件 as page images) read by Tesseract with its Simplified Chinese model.

Pages are rendered by pypdfium2 and read by Tesseract through pytesseract; the text comes back as
lines with the mean confidence of the words read, so a reader can tell a clean scan from a guess.
"""

from __future__ import annotations

import logging
import shutil
from collections import defaultdict
from dataclasses import dataclass

import pypdfium2 as pdfium

from policydigest.errors import BadInputError
from policydigest.ingest.extract.structure import tidy

log = logging.getLogger(__name__)

#: Tesseract languages: Simplified Chinese, with English for Latin letters and numbers in the text.
LANGUAGES = "chi_sim+eng"
#: Rendering resolution: Tesseract reads CJK best at about 300 dpi.
DPI = 300


@dataclass(frozen=True)
class OcrText:
    """Lines read from page images and Tesseract's mean word confidence (0–100)."""

    lines: list[str]
    confidence: float


def ocr_available() -> bool:
    """Whether Tesseract is installed (its Chinese model is checked when it runs).

    >>> isinstance(ocr_available(), bool)
    True
    """
    return shutil.which("tesseract") is not None


def ocr_pdf(document: pdfium.PdfDocument, *, max_pages: int, languages: str = LANGUAGES) -> OcrText:
    """The text of a PDF's first ``max_pages`` pages, read from their images by Tesseract."""
    import pytesseract

    if not ocr_available():
        raise BadInputError("PDF 是扫描件，但未安装 Tesseract（tesseract-ocr、tesseract-ocr-chi-sim）")
    lines: list[str] = []
    confidences: list[float] = []
    for index in range(min(len(document), max_pages)):
        page = document[index]
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        page.close()
        try:
            data = pytesseract.image_to_data(image, lang=languages, output_type=pytesseract.Output.DICT)
        except pytesseract.TesseractError as exc:
            raise BadInputError(f"OCR 失败：{exc.message.strip()[:200]}") from exc
        page_lines, page_confidences = _lines(data)
        lines += [*page_lines, ""]
        confidences += page_confidences
    if len(document) > max_pages:
        log.info("scanned PDF has %d pages; OCR read the first %d", len(document), max_pages)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else 0.0
    return OcrText(lines, confidence)


def _lines(data: dict[str, list[object]]) -> tuple[list[str], list[float]]:
    # Tesseract numbers words by block, paragraph and line; words of one line are joined in order.
    words: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    confidences: list[float] = []
    for i, text in enumerate(data["text"]):
        word = str(text).strip()
        confidence = float(str(data["conf"][i]))
        if not word or confidence < 0:
            continue
        key = (int(str(data["block_num"][i])), int(str(data["par_num"][i])), int(str(data["line_num"][i])))
        words[key].append(word)
        confidences.append(confidence)
    return [tidy(" ".join(parts)) for _key, parts in sorted(words.items())], confidences
