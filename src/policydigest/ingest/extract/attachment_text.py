"""An attachment's bytes into an :class:`AttachedDocument`: the format judged from the bytes, never the name.

A ``.doc`` that is really a web page is read as one; a ``.pdf`` that is really an error page says
so. PDFs are read by pypdfium2 (tables by pdfplumber), scans by Tesseract (marked as OCR, with its
confidence), Word/WPS/Excel/OFD by the readers in :mod:`.office`, ZIP archives member by member
within size limits. Whatever cannot be read gets a one-line ``reason``; nothing is silently empty.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

import pypdfium2 as pdfium

from policydigest.errors import BadInputError, TruncatedInputError
from policydigest.ingest.decoding import decode_text, is_pdf, looks_binary
from policydigest.ingest.extract import office
from policydigest.ingest.extract.ocr import ocr_pdf
from policydigest.ingest.extract.pdf import open_pdf
from policydigest.ingest.extract.structure import blocks_from_lines, blocks_from_text, tidy
from policydigest.model import AttachedDocument, Block

log = logging.getLogger(__name__)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<!--|<div|<script)", re.I)
_ERROR_PAGE = re.compile(r"404|403|500|not found|forbidden|error|错误|不存在|无法访问|已删除|访问受限|登录")
_WORD_KINDS = ("doc", "wps")
_SHEET_KINDS = ("xls", "et")


@dataclass(frozen=True)
class ReadLimits:
    """How much of an attachment is read: pages, OCR pages, archive members and unpacked bytes."""

    max_pages: int = 300
    ocr: bool = True
    ocr_max_pages: int = 20
    zip_max_members: int = 20
    zip_max_bytes: int = 50_000_000
    zip_max_ratio: int = 100


def sniff(data: bytes) -> str:
    """The format of ``data`` judged from its bytes.

    One of pdf, docx, xlsx, ofd, zip, ole (old Word/WPS/Excel, or encrypted Office), rtf, html,
    text, binary, empty.

    >>> sniff(b"%PDF-1.7 ..."), sniff(b"<!DOCTYPE html><html>"), sniff(b""), sniff("正文".encode())
    ('pdf', 'html', 'empty', 'text')
    >>> sniff(b"{\\\\rtf1\\\\ansi ...}")
    'rtf'
    """
    if not data.strip():
        return "empty"
    if is_pdf(data):
        return "pdf"
    if data.startswith(_OLE):
        return "ole"
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if _HTML.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "binary" if looks_binary(data) else "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def read_document(
    data: bytes, *, url: str, name: str = "", kind: str = "", limits: ReadLimits | None = None, depth: int = 0
) -> AttachedDocument:
    """The document in ``data``, or one with a ``reason`` saying why it has no text.

    >>> read_document(b"%PDF-1.4 cut", url="https://e.gov.cn/a.pdf", kind="pdf").reason
    'PDF 不完整：结尾没有 %%EOF'
    >>> read_document(b"<html><title>404 Not Found</title></html>", url="https://e.gov.cn/a.doc", kind="doc").reason
    '不是文件：服务器返回的是错误页面（HTML）'
    """
    limits = limits or ReadLimits()
    fmt = sniff(data)
    doc = AttachedDocument(url=url, name=name, kind=kind, format=fmt)
    try:
        return _read(doc, data, fmt, limits, depth)
    except BadInputError as exc:
        return doc.model_copy(update={"reason": exc.reason})
    except Exception as exc:  # a reader's own bug on odd bytes must not lose the article
        log.exception("reading the attachment %s failed", url)
        return doc.model_copy(update={"reason": f"{fmt} 读取器出错（{type(exc).__name__}: {exc}）"})


def _read(doc: AttachedDocument, data: bytes, fmt: str, limits: ReadLimits, depth: int) -> AttachedDocument:
    update: dict[str, object] = {}
    if fmt == "pdf":
        return _read_pdf(doc, data, limits)
    if fmt == "docx":
        blocks = office.docx_blocks(data)
    elif fmt == "xlsx":
        blocks = office.xlsx_blocks(data)
    elif fmt == "ofd":
        blocks = office.ofd_blocks(data)
    elif fmt == "ole":
        blocks, update["format"] = _read_ole(data, doc.kind)
    elif fmt == "zip":
        blocks, reasons = _read_zip(data, doc.url, limits, depth)
        update["reason"] = "; ".join(reasons) or None
    elif fmt == "rtf":
        # Word files saved as RTF are often published as .doc; LibreOffice reads them.
        text, _tool = office.legacy_text(data, spreadsheet=False, suffix="rtf")
        blocks = office.legacy_blocks(text, spreadsheet=False)
    elif fmt == "html":
        blocks = _read_html(data, doc.url)
    elif fmt == "text":
        blocks = blocks_from_text(decode_text(data)[0])
    elif fmt == "empty":
        raise BadInputError("文件是空的")
    else:
        raise BadInputError(f"不是 policydigest 能读取的文件格式（链接标明的类型：{doc.kind or '无'}）")
    if not blocks:
        raise BadInputError(f"{update.get('format', fmt)} 文件中没有文字")
    return doc.model_copy(update={**update, "blocks": blocks})


def _read_pdf(doc: AttachedDocument, data: bytes, limits: ReadLimits) -> AttachedDocument:
    document = open_pdf(data)
    try:
        lines = _pdf_lines(document, limits.max_pages)
        if any(line.strip() for line in lines):
            blocks = blocks_from_lines(lines) + _pdf_tables(data, _ruled_pages(document, limits.max_pages))
            return doc.model_copy(update={"blocks": blocks})
        if not limits.ocr:
            raise BadInputError("PDF 是扫描件（没有文字层），且未开启 OCR（设置 attachments_ocr）")
        found = ocr_pdf(document, max_pages=limits.ocr_max_pages)
    finally:
        document.close()
    blocks = blocks_from_lines(found.lines)
    if not blocks:
        raise BadInputError("PDF 是扫描件，OCR 未识别出文字")
    return doc.model_copy(update={"blocks": blocks, "ocr": True, "ocr_confidence": found.confidence})


def _pdf_lines(document: pdfium.PdfDocument, max_pages: int) -> list[str]:
    lines: list[str] = []
    for index in range(min(len(document), max_pages)):
        page = document[index]
        textpage = page.get_textpage()
        lines += textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n").split("\n")
        textpage.close()
        page.close()
    return lines


def _ruled_pages(document: pdfium.PdfDocument, max_pages: int) -> list[int]:
    # A ruled table needs drawn lines: pages without a few path objects are not worth pdfplumber's time.
    import pypdfium2.raw as pdfium_c

    ruled = []
    for index in range(min(len(document), max_pages)):
        page = document[index]
        paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1))
        page.close()
        if paths >= 4:
            ruled.append(index)
    return ruled


def _pdf_tables(data: bytes, pages: list[int]) -> list[Block]:
    # Ruled tables only (pdfplumber's line strategy): their cells are also in the text, in reading order.
    if not pages:
        return []
    import pdfplumber

    tables: list[Block] = []
    with pdfplumber.open(io.BytesIO(data), pages=[index + 1 for index in pages]) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows = [[tidy((cell or "").replace("\n", "")) for cell in row] for row in table]
                if len(rows) > 1 and any(any(row) for row in rows):
                    tables.append(Block.table(rows))
    return tables


def _read_ole(data: bytes, kind: str) -> tuple[list[Block], str]:
    streams = office.ole_streams(data)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise BadInputError("Office 文件有密码保护")
    if "WordDocument" in streams:
        if office.word_is_encrypted(data):
            raise BadInputError("Word 文件有密码保护")
        suffix = kind if kind in _WORD_KINDS else "doc"
        text, tool = office.legacy_text(data, spreadsheet=False, suffix=suffix)
        log.info("%s read by %s", suffix, tool)
        return office.legacy_blocks(text, spreadsheet=False), suffix
    if "Workbook" in streams or "Book" in streams:
        if "FilePass" in streams:
            raise BadInputError("Excel 文件有密码保护")
        suffix = kind if kind in _SHEET_KINDS else "xls"
        text, _tool = office.legacy_text(data, spreadsheet=True, suffix=suffix)
        return office.legacy_blocks(text, spreadsheet=True), suffix
    # Other OLE files (old WPS, Works): only LibreOffice may know them.
    text, _tool = office.legacy_text(data, spreadsheet=False, suffix=kind or "wps")
    return office.legacy_blocks(text, spreadsheet=False), kind or "ole"


def _member_name(info: zipfile.ZipInfo) -> str:
    # Archives made on Chinese Windows store names in GBK without the UTF-8 flag; zipfile reads cp437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _read_zip(data: bytes, url: str, limits: ReadLimits, depth: int) -> tuple[list[Block], list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TruncatedInputError(f"ZIP 压缩包已损坏，无法读取（{exc}）") from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        unpacked = sum(info.file_size for info in members)
        if unpacked > limits.zip_max_bytes or unpacked > max(len(data), 1) * limits.zip_max_ratio:
            raise BadInputError(
                f"ZIP 压缩包会从 {len(data)} 字节解压为 {unpacked} 字节（压缩炸弹？）；"
                f"上限：{limits.zip_max_bytes} 字节、{limits.zip_max_ratio} 倍"
            )
        if any(info.flag_bits & 0x1 for info in members):
            raise BadInputError("ZIP 压缩包有密码保护")
        if depth > 0:
            raise BadInputError("ZIP 压缩包内的压缩包不予打开")
        blocks: list[Block] = []
        reasons: list[str] = []
        for info in members[: limits.zip_max_members]:
            name = _member_name(info)
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                reasons.append(f"{name}：该文件已损坏（{exc}）")
                continue
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            member = read_document(content, url=f"{url}#{name}", name=name, kind=suffix, limits=limits, depth=1)
            if member.reason:
                reasons.append(f"{name}：{member.reason}")
            if member.blocks:
                blocks += [Block.heading(name), *member.blocks]
        if len(members) > limits.zip_max_members:
            reasons.append(f"共 {len(members)} 个文件，只读取了前 {limits.zip_max_members} 个")
    return blocks, reasons


def _read_html(data: bytes, url: str) -> list[Block]:
    # Word's "save as web page" is often published as .doc; an error page is not a document.
    from policydigest.ingest.extract import extract_page

    page = extract_page(data, url=url)
    title = page.title if page is not None else ""
    blocks = page.blocks if page is not None else []
    chars = sum(len(block.as_text()) for block in blocks)
    if chars < 200 and (_ERROR_PAGE.search(title.lower()) or chars < 20):
        raise BadInputError("不是文件：服务器返回的是错误页面（HTML）")
    return blocks
