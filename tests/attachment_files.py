"""Attachments made by the test suite: one notice written for the project, saved as PDF (typst), DOCX
(python-docx), DOC and WPS (LibreOffice from the DOCX), OFD (written by hand to GB/T 33190), XLSX
(openpyxl) and a scanned-image PDF (typst → pdftoppm page image → image-only PDF)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import typst
from PIL import Image

#: The notice every attachment carries: a heading, numbered sub-headings and a sentence with a target.
TITLE = "示例市公共数据授权运营实施方案"
LINES = (
    "一、总体要求",
    "到2027年，全市数据要素市场规模达到300亿元，培育数据商50家。",
    "（一）健全授权机制",
    "由市数据局会同市财政局制定公共数据授权运营管理办法。",
    "二、重点任务",
    "1.建设公共数据运营平台，推动医疗、交通、气象数据有序开放。",
)
TABLE = (("项目", "牵头单位", "投资（亿元）"), ("数据交易所", "市数据局", "12"), ("算力中心", "市工信局", "30"))
NOTICE_TEXT = "\n".join(LINES)


def typst_pdf(folder: Path, lines: tuple[str, ...] = LINES, *, size: str = "12pt", pages: int = 1) -> bytes:
    """A text PDF of ``lines`` (once per page, ``pages`` pages) rendered by typst with the Noto CJK font."""
    source = folder / "notice.typ"
    body = "\n#pagebreak()\n".join(["\n\n".join(line.replace("#", "\\#") for line in lines)] * pages)
    source.write_text(f'#set text(font: "Noto Serif CJK SC", size: {size})\n#set page(margin: 2cm)\n{body}\n', "utf-8")
    data: bytes = typst.compile(str(source), format="pdf")
    return data


def typst_table_pdf(folder: Path) -> bytes:
    """A PDF with a heading, a sentence and the notice's table drawn with ruled cells."""
    cells = ", ".join(f"[{cell}]" for row in TABLE for cell in row)
    source = folder / "table.typ"
    source.write_text(
        f'#set text(font: "Noto Serif CJK SC")\n一、重点项目\n\n项目清单如下。\n\n'
        f"#table(columns: {len(TABLE[0])}, stroke: 0.5pt, {cells})\n",
        "utf-8",
    )
    data: bytes = typst.compile(str(source), format="pdf")
    return data


def scanned_pdf(folder: Path, lines: tuple[str, ...] = LINES, *, pages: int = 1) -> bytes:
    """An image-only PDF: the typst PDF rendered to page images by pdftoppm and wrapped again, no text layer."""
    (folder / "scan.pdf").write_bytes(typst_pdf(folder, lines, size="14pt", pages=pages))
    command = ["pdftoppm", "-r", "200", "-gray", "-png", str(folder / "scan.pdf"), str(folder / "page")]
    subprocess.run(command, check=True)
    pages = [Image.open(path).convert("L") for path in sorted(folder.glob("page*.png"))]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", resolution=200.0, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def docx_bytes(lines: tuple[str, ...] = LINES) -> bytes:
    """A .docx with a title, the notice's lines and its table."""
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(TABLE[0]))
    for row in TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def office_binary(folder: Path, docx_data: bytes, target: str = "doc") -> bytes:
    """``docx_data`` saved by LibreOffice headless as Word 97–2003 binary (what WPS Office also writes)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise RuntimeError("LibreOffice (libreoffice-writer-nogui) is needed to make .doc and .wps attachments")
    source = folder / "notice.docx"
    source.write_bytes(docx_data)
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc:MS Word 97",
         "--outdir", str(folder / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (folder / "out" / "notice.doc").read_bytes()


def rtf_bytes(lines: tuple[str, ...] = LINES) -> bytes:
    """An RTF document of ``lines`` (Chinese as \\uN escapes), written for the project: what many sites
    publish as .doc or .wps."""
    def escaped(ch: str) -> str:
        return ch if ord(ch) < 128 else f"\\u{ord(ch) - 65536 if ord(ch) > 32767 else ord(ch)}?"

    paragraphs = "".join("".join(map(escaped, line)) + "\\par\n" for line in lines)
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0\\fs24\n" + paragraphs + "}").encode("ascii")


def xlsx_bytes(copies: int = 1) -> bytes:
    """A workbook with one sheet, 项目清单, holding the notice's table (its rows ``copies`` times)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "项目清单"
    for row in TABLE[:1] + TABLE[1:] * copies:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd_bytes(lines: tuple[str, ...] = LINES, *, pages: int = 1) -> bytes:
    """An OFD package (GB/T 33190) of ``pages`` pages, one text object per line, written for the project."""
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    objects = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="20 {20 + i * 10} 170 8" Font="2" Size="5">'
        f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
        for i, line in enumerate(lines)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "OFD.xml",
            f'{head}<ofd:OFD {_OFD_NS} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
            f"<ofd:DocID>notice</ofd:DocID><ofd:Title>{TITLE}</ofd:Title></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        package.writestr(
            "Doc_0/Document.xml",
            f"{head}<ofd:Document {_OFD_NS}><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
            "</ofd:CommonData><ofd:Pages>"
            + "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(pages))
            + "</ofd:Pages></ofd:Document>",
        )
        package.writestr(
            "Doc_0/PublicRes.xml",
            f'{head}<ofd:Res {_OFD_NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="SimSun" '
            'FamilyName="SimSun"/></ofd:Fonts></ofd:Res>',
        )
        for n in range(pages):
            package.writestr(
                f"Doc_0/Pages/Page_{n}/Content.xml",
                f'{head}<ofd:Page {_OFD_NS}><ofd:Content><ofd:Layer ID="5">{objects}</ofd:Layer></ofd:Content>'
                "</ofd:Page>",
            )
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    """A ZIP archive of ``files`` (names kept as UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
