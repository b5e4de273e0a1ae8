"""Attachments read as documents: every format by its content, scans by OCR, and every bad input with a reason."""

from __future__ import annotations

import difflib
import io
import unicodedata
import zipfile
from pathlib import Path

import olefile
import pymupdf
import pytest

from attachment_files import LINES, NOTICE_TEXT, TABLE, docx_bytes, rtf_bytes, typst_pdf, typst_table_pdf, zip_of
from policydigest.ingest.extract.attachment_text import ReadLimits, read_document, sniff
from policydigest.model import AttachedDocument, BlockKind

pytestmark = pytest.mark.slow  # the session's attachments need LibreOffice and typst


def read(data: bytes, kind: str, **limits: int) -> AttachedDocument:
    return read_document(data, url=f"http://127.0.0.1/files/notice.{kind}", name="附件", kind=kind,
                         limits=ReadLimits(**limits))  # type: ignore[arg-type]  # fmt: skip


def headings(document: AttachedDocument) -> list[str]:
    return [block.text for block in document.blocks if block.kind is BlockKind.HEADING]


def normalised(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def char_accuracy(expected: str, got: str) -> float:
    """Share of the expected characters read right (matching blocks of the aligned texts)."""
    want, have = normalised(expected), normalised(got)
    matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(want)


@pytest.mark.parametrize("kind", ["pdf", "docx", "doc", "wps", "ofd"])
def test_each_text_format_gives_the_notice_with_its_numbered_headings(
    attachment_files: dict[str, bytes], kind: str
) -> None:
    document = read(attachment_files[kind], kind)
    assert document.reason is None and not document.ocr
    assert document.format == kind
    assert [h for h in headings(document) if h != "示例市公共数据授权运营实施方案"] == [
        "一、总体要求", "（一）健全授权机制", "二、重点任务",
    ]  # fmt: skip
    assert "到2027年，全市数据要素市场规模达到300亿元，培育数据商50家。" in document.text


@pytest.mark.parametrize("kind", ["docx", "doc", "xlsx"])
def test_tables_come_back_as_table_blocks(attachment_files: dict[str, bytes], kind: str) -> None:
    document = read(attachment_files[kind], kind)
    tables = [block.rows for block in document.blocks if block.kind is BlockKind.TABLE]
    assert tables and [row[:3] for row in tables[0]] == [list(row) for row in TABLE]


def test_a_ruled_table_in_a_pdf_comes_back_as_a_table_block(tmp_path: Path) -> None:
    document = read(typst_table_pdf(tmp_path), "pdf")
    tables = [block.rows for block in document.blocks if block.kind is BlockKind.TABLE]
    assert tables == [[list(row) for row in TABLE]]
    assert headings(document) == ["一、重点项目"]


def test_a_pdf_without_ruled_lines_is_not_searched_for_tables(attachment_files: dict[str, bytes]) -> None:
    assert [b for b in read(attachment_files["pdf"], "pdf").blocks if b.kind is BlockKind.TABLE] == []


def test_a_scanned_pdf_is_read_by_ocr_with_its_confidence(attachment_files: dict[str, bytes]) -> None:
    document = read(attachment_files["scan"], "pdf")
    assert document.ocr and document.reason is None
    assert document.ocr_confidence is not None and 50 < document.ocr_confidence <= 100
    assert char_accuracy(NOTICE_TEXT, document.text) >= 0.95


def test_a_scan_with_ocr_off_says_so(attachment_files: dict[str, bytes]) -> None:
    document = read(attachment_files["scan"], "pdf", ocr=False)
    assert not document.blocks
    assert document.reason == "PDF 是扫描件（没有文字层），且未开启 OCR（设置 attachments_ocr）"


def test_an_rtf_published_as_wps_is_read_by_libreoffice() -> None:
    document = read(rtf_bytes(), "wps")
    assert (document.format, document.reason) == ("rtf", None)
    assert "一、总体要求" in headings(document)
    assert "到2027年，全市数据要素市场规模达到300亿元，培育数据商50家。" in document.text


def test_a_doc_that_is_a_web_page_is_read_as_one() -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES * 2)
    page = f"<html><head><meta charset='utf-8'><title>实施方案</title></head><body><div id='zoom'>{paragraphs}</div>"
    document = read(page.encode(), "doc")
    assert document.format == "html" and document.reason is None
    assert "培育数据商50家" in document.text


def test_a_pdf_that_is_an_error_page_says_so() -> None:
    page = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
    document = read(page, "pdf")
    assert (document.format, document.blocks) == ("html", [])
    assert document.reason == "不是文件：服务器返回的是错误页面（HTML）"


def test_a_password_protected_pdf_says_so(tmp_path: Path) -> None:
    pdf = pymupdf.open(stream=typst_pdf(tmp_path), filetype="pdf")
    locked = pdf.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    document = read(locked, "pdf")
    assert document.reason == "PDF 有密码保护" and not document.blocks


def test_a_password_protected_word_file_says_so(attachment_files: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "locked.doc"
    path.write_bytes(attachment_files["doc"])
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[11] |= 0x01  # FIB flag fEncrypted, as Word sets it for a password to open
        ole.write_stream("WordDocument", bytes(fib))
    document = read(path.read_bytes(), "doc")
    assert document.reason == "Word 文件有密码保护"


def test_a_truncated_pdf_says_it_is_cut_off(attachment_files: dict[str, bytes]) -> None:
    document = read(attachment_files["pdf"][: len(attachment_files["pdf"]) // 2], "pdf")
    assert document.reason == "PDF 不完整：结尾没有 %%EOF"


def test_a_truncated_docx_says_it_is_damaged() -> None:
    data = docx_bytes()
    document = read(data[: len(data) // 2], "docx")
    assert document.reason is not None and "已损坏" in document.reason and not document.blocks


def test_corrupt_bytes_named_docx_say_what_they_are_not() -> None:
    document = read(bytes(range(256)) * 20, "docx")
    assert document.format == "binary"
    assert document.reason == "不是 policydigest 能读取的文件格式（链接标明的类型：docx）"


def test_an_empty_attachment_says_so() -> None:
    assert read(b"", "pdf").reason == "文件是空的"


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    bomb = zip_of({"方案.docx": b"\0" * 20_000_000})
    document = read(bomb, "zip")
    assert not document.blocks
    assert document.reason is not None and "解压为 20000000 字节" in document.reason


def test_a_zip_of_documents_reads_each_under_its_name(attachment_files: dict[str, bytes]) -> None:
    files = {"附件1.docx": attachment_files["docx"], "附件2.xlsx": attachment_files["xlsx"], "说明.exe": b"MZ\0"}
    archive = zip_of(files)
    document = read(archive, "zip")
    assert document.format == "zip"
    assert {"附件1.docx", "附件2.xlsx"} <= set(headings(document))
    assert document.reason == "说明.exe：不是 policydigest 能读取的文件格式（链接标明的类型：exe）"


def test_a_password_protected_zip_says_so(attachment_files: dict[str, bytes]) -> None:
    data = bytearray(zip_of({"附件1.docx": attachment_files["docx"]}))
    # Set "encrypted" (bit 0 of the general purpose flags) in the local and the central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + offset] |= 0x01
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0].flag_bits & 0x1
    assert read(bytes(data), "zip").reason == "ZIP 压缩包有密码保护"


def test_format_is_judged_by_content_not_name(attachment_files: dict[str, bytes]) -> None:
    assert [sniff(attachment_files[k]) for k in ("pdf", "docx", "doc", "ofd", "xlsx")] == [
        "pdf", "docx", "ole", "ofd", "xlsx",
    ]  # fmt: skip
    assert read(attachment_files["docx"], "pdf").format == "docx"
