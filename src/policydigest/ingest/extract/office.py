"""Office attachments into blocks: DOCX (python-docx), XLSX (openpyxl), DOC/WPS/XLS (antiword, catdoc,
xls2csv, then LibreOffice headless) and OFD (easyofd).

Each reader raises :class:`~policydigest.errors.BadInputError` with a one-line reason when the file
cannot be read; the caller turns that into the document's ``reason``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policydigest.errors import BadInputError, TruncatedInputError
from policydigest.ingest.extract.structure import blocks_from_lines, is_heading, tidy
from policydigest.model import Block

log = logging.getLogger(__name__)

#: Rows of a spreadsheet read at most, per sheet: attachments list projects, not ledgers.
MAX_SHEET_ROWS = 2000
#: Seconds a command-line converter may take on one file.
CONVERTER_TIMEOUT = 60.0


def docx_blocks(data: bytes) -> list[Block]:
    """Paragraphs, headings (by style or numbering) and tables of a .docx, in document order.

    >>> import docx, io
    >>> d = docx.Document(); _ = d.add_paragraph("一、总体要求"); _ = d.add_paragraph("加快建设。")
    >>> buffer = io.BytesIO(); d.save(buffer)
    >>> [(b.kind.value, b.text) for b in docx_blocks(buffer.getvalue())]
    [('heading', '一、总体要求'), ('paragraph', '加快建设。')]
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TruncatedInputError(f"DOCX 已损坏，无法读取（{exc}）") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = tidy(item.text)
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            heading = style.lower().startswith(("heading", "title")) or is_heading(text)
            blocks.append(Block.heading(text) if heading else Block.paragraph(text))
        elif isinstance(item, Table):
            rows = [[tidy(cell.text) for cell in row.cells] for row in item.rows]
            if any(any(row) for row in rows):
                blocks.append(Block.table(rows))
    return blocks


def xlsx_blocks(data: bytes, *, max_rows: int = MAX_SHEET_ROWS) -> list[Block]:
    """Each sheet of a workbook as a heading (the sheet name) and a table of its non-empty rows.

    >>> import openpyxl, io
    >>> wb = openpyxl.Workbook(); wb.active.title = "项目清单"; wb.active.append(["项目", "投资（亿元）"])
    >>> buffer = io.BytesIO(); wb.save(buffer)
    >>> [(b.kind.value, b.as_text()) for b in xlsx_blocks(buffer.getvalue())]
    [('heading', '项目清单'), ('table', '项目\\t投资（亿元）')]
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TruncatedInputError(f"XLSX 已损坏，无法读取（{exc}）") from exc
    blocks: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            rows = _table_rows(sheet.iter_rows(values_only=True), max_rows)
            if rows:
                blocks += [Block.heading(sheet.title), Block.table(rows)]
    finally:
        workbook.close()
    return blocks


def _table_rows(rows: Any, max_rows: int) -> list[list[str]]:
    table: list[list[str]] = []
    for row in rows:
        cells = ["" if value is None else tidy(str(value)) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            table.append(cells)
        if len(table) >= max_rows:
            log.info("sheet has more than %d rows; the rest is not read", max_rows)
            break
    return table


def ole_streams(data: bytes) -> list[str]:
    """The stream names of an OLE2 compound file (old Word, Excel, WPS; encrypted OOXML).

    >>> ole_streams(b"not ole")
    Traceback (most recent call last):
    ...
    policydigest.errors.TruncatedInputError: Office 文件已损坏，无法读取（不是 OLE2 文件）
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ["/".join(entry) for entry in ole.listdir()]
    except (OSError, ValueError) as exc:
        if not olefile.isOleFile(io.BytesIO(data)):
            raise TruncatedInputError("Office 文件已损坏，无法读取（不是 OLE2 文件）") from exc
        raise TruncatedInputError(f"Office 文件已损坏，无法读取（{exc}）") from exc


def word_is_encrypted(data: bytes) -> bool:
    """Whether a Word 97–2003 (or WPS) file says it is password-protected (FIB flag fEncrypted)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        header = ole.openstream("WordDocument").read(12)
    # FIB: bytes 10–11 hold the flags; bit 0x0100 is fEncrypted.
    return len(header) == 12 and bool(int.from_bytes(header[10:12], "little") & 0x0100)


def _run(command: Sequence[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, timeout=CONVERTER_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("%s failed: %s", command[0], exc)
        return None
    if done.returncode != 0:
        log.info("%s failed (%d): %s", command[0], done.returncode, done.stderr[:200].decode("utf-8", "replace"))
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _readable(text: str | None) -> bool:
    # A converter that misreads a file prints mostly control characters or replacement marks.
    if not text or not text.strip():
        return False
    letters = [c for c in text if not c.isspace()]
    bad = sum(1 for c in letters if c == "\ufffd" or not c.isprintable())
    return bad <= len(letters) * 0.05


def legacy_text(data: bytes, *, spreadsheet: bool, suffix: str) -> tuple[str, str]:
    """Text of an old binary Word/WPS or Excel file and the tool that read it.

    Word and WPS: antiword, then catdoc, then LibreOffice headless; Excel: xls2csv, then LibreOffice.
    Raises BadInputError when none of them can read the file.
    """
    with tempfile.TemporaryDirectory(prefix="policydigest-") as folder:
        path = Path(folder) / f"attachment.{suffix}"
        path.write_bytes(data)
        tools: list[tuple[str, list[str]]] = (
            [("xls2csv", ["xls2csv", "-d", "utf-8", "-q", "0", "-c", "\t", str(path)])]
            if spreadsheet
            else []
            if suffix == "rtf"  # antiword and catdoc read only the binary Word format
            else [
                ("antiword", ["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)]),
                ("catdoc", ["catdoc", "-d", "utf-8", "-w", str(path)]),
            ]
        )
        for name, command in tools:
            if shutil.which(command[0]) is None:
                log.info("%s is not installed", command[0])
                continue
            text = _run(command)
            if _readable(text):
                return text or "", name
        text = libreoffice_text(path, Path(folder))
        if _readable(text):
            return text or "", "libreoffice"
    tried = "".join(f"{name}, " for name, _command in tools)
    raise BadInputError(f"没有读取器能读出这个文件（{tried}LibreOffice 均失败）")


def libreoffice_text(path: Path, folder: Path) -> str | None:
    """``path`` converted to UTF-8 text by LibreOffice headless (its own profile, so runs never collide)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        log.info("LibreOffice is not installed")
        return None
    profile = (folder / "profile").as_uri()
    target = "csv:Text - txt - csv (StarCalc):9,34,76" if path.suffix in {".xls", ".et"} else "txt:Text (encoded):UTF8"
    command = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    if _run([*command, "--outdir", str(folder / "out"), str(path)]) is None:
        return None
    converted = list((folder / "out").glob("*"))
    return converted[0].read_text("utf-8-sig", errors="replace") if converted else None


def legacy_blocks(text: str, *, spreadsheet: bool) -> list[Block]:
    """Blocks of a converter's text: tab-separated rows as one table, else headings and paragraphs.

    >>> legacy_blocks("项目\\t金额\\n甲\\t1", spreadsheet=True)[0].rows
    [['项目', '金额'], ['甲', '1']]
    >>> [b.kind.value for b in legacy_blocks("一、表\\n|项目 |金额 |\\n|甲   |1    |\\n说明。", spreadsheet=False)]
    ['heading', 'table', 'paragraph']
    """
    if not spreadsheet:
        return _with_ruled_tables(text)
    rows = [[tidy(cell.strip('"')) for cell in line.split("\t")] for line in text.splitlines()]
    rows = [row for row in rows if any(row)]
    return [Block.table(rows[:MAX_SHEET_ROWS])] if rows else []


def _with_ruled_tables(text: str) -> list[Block]:
    # antiword draws a table as lines of cells between bars: |项目   |牵头单位   |
    blocks: list[Block] = []
    lines: list[str] = []
    rows: list[list[str]] = []
    for line in [*text.replace("\f", "\n").splitlines(), ""]:
        if line.startswith("|") and line.rstrip().endswith("|"):
            if lines:
                blocks += blocks_from_lines(lines)
                lines = []
            rows.append([tidy(cell) for cell in line.strip().strip("|").split("|")])
            continue
        if rows:
            blocks.append(Block.table(rows))
            rows = []
        lines.append(line)
    return blocks + blocks_from_lines(lines)


def ofd_blocks(data: bytes) -> list[Block]:
    """Text of an OFD (the Chinese fixed-layout format, GB/T 33190) read with easyofd, line by line."""
    from loguru import logger

    logger.disable("easyofd")  # easyofd logs every font it cannot find to stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # easyofd imports PyMuPDF by its deprecated name
        from easyofd.ofd import OFD

    reader = OFD()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # easyofd prints its progress
            reader.read(data, fmt="binary")
    except Exception as exc:  # easyofd raises bare exceptions of many kinds on a bad package
        raise TruncatedInputError(f"OFD 已损坏，无法读取（{type(exc).__name__}: {exc}）") from exc
    lines: list[str] = []
    for document in reader.data or []:
        for _page, info in sorted(document.get("page_info", {}).items(), key=lambda item: int(item[0])):
            lines += _ofd_lines(info.get("text_list", []))
            lines.append("")
    return blocks_from_lines(lines)


def _ofd_lines(items: list[dict[str, Any]]) -> list[str]:
    # Text objects on the same baseline (within half a glyph) are one line, read left to right.
    placed = []
    for item in items:
        pos = item.get("pos") or [0.0, 0.0, 0.0, 0.0]
        placed.append((float(pos[1]), float(pos[0]), float(item.get("size") or 3.0), str(item.get("text") or "")))
    placed.sort()
    lines: list[list[tuple[float, str]]] = []
    last_y: float | None = None
    for y, x, size, text in placed:
        if last_y is None or abs(y - last_y) > size / 2:
            lines.append([])
            last_y = y
        lines[-1].append((x, text))
    return ["".join(text for _x, text in sorted(line)) for line in lines]
