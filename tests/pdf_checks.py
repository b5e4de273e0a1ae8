"""Checks on rendered PDFs with tools independent of the code under test: poppler and zbar.

``pdftotext`` reads each page's text, ``pdftoppm`` rasterises pages and ``zbarimg`` decodes the
QR codes on them. Page images can be kept under ``artifacts/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts"
ROMAN = re.compile(r"^[IVXLC]+$")


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian: poppler-utils / zbar-tools)")


def page_texts(pdf: bytes, workdir: Path) -> list[str]:
    """Each page's text as ``pdftotext -layout`` reads it."""
    need("pdftotext")
    path = workdir / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def footer(page: str) -> str:
    """The last non-empty line of a page: where the page number is printed."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def squeeze(text: str) -> str:
    """Text without white space, to compare what pdftotext lays out with spaces of its own."""
    return re.sub(r"\s+", "", text)


def toc_entries(pages: list[str]) -> list[tuple[int, str]]:
    """(printed page, title) of every 本期要目 entry, read from the contents pages' layout text.

    The contents run from the page headed 本期要目 to the last front-matter (roman-numbered) page;
    a line indented past an entry's number continues that entry's title.
    """
    start = next(i for i, page in enumerate(pages) if "本期要目" in squeeze(page))
    entries: list[tuple[int, str]] = []
    indent = 0
    for page in pages[start:]:
        if not ROMAN.match(footer(page)):
            break
        for raw in page.splitlines():
            match = re.match(r"^(\s*)(\d{2,3})\s+(\S.*)$", raw)
            if match:
                indent = len(match.group(1))
                entries.append((int(match.group(2)), match.group(3).strip()))
            elif entries and raw.strip() and len(raw) - len(raw.lstrip()) > indent + 3 and raw.strip() != footer(page):
                entries[-1] = (entries[-1][0], entries[-1][1] + raw.strip())
    return entries


def rasterise(pdf: bytes, workdir: Path, dpi: int = 150) -> list[Path]:
    """Greyscale images (PGM) of every page at ``dpi``, in page order.

    PGM, not PNG: compressing full pages to PNG takes pdftoppm ten times longer than drawing them.
    """
    need("pdftoppm")
    path = workdir / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(workdir / "page")], check=True)
    return sorted(workdir.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode_qr(images: list[Path]) -> list[str]:
    """Every QR code zbarimg finds on the images, in page order."""
    need("zbarimg")
    if not images:
        return []
    # One zbarimg for all pages: it starts slowly. It exits 4 when an image has no code.
    result = subprocess.run(["zbarimg", "--raw", "-q", *map(str, images)], capture_output=True, check=False)
    return [line for line in result.stdout.decode("utf-8").splitlines() if line]


def keep_artifacts(pdf: bytes, name: str, pages: list[int], dpi: int = 150) -> list[Path]:
    """PNG images of the given pages (1-based) in ``artifacts/NAME/``, to be looked at."""
    need("pdftoppm")
    target = ARTIFACTS / name
    target.mkdir(parents=True, exist_ok=True)
    path = target / "issue.pdf"
    path.write_bytes(pdf)
    kept = []
    for number in pages:
        out = target / f"page-{number:02d}"
        args = ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(number), "-l", str(number)]
        subprocess.run([*args, str(path), str(out)], check=True)
        kept.append(out.with_suffix(".png"))
    return kept
