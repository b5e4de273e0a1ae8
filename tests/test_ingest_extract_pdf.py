"""PDF attachments: their text, read with pypdfium2 from a PDF that typst really renders."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from policydigest.errors import BadInputError
from policydigest.ingest.extract import pdf_text


def rendered_pdf(tmp_path: Path, source: str) -> bytes:
    doc = tmp_path / "notice.typ"
    doc.write_text(source, encoding="utf-8")
    data: bytes = typst.compile(str(doc), format="pdf")
    return data


def test_text_of_a_two_page_pdf_attachment_is_read_in_order(tmp_path: Path) -> None:
    data = rendered_pdf(
        tmp_path,
        '#set text(font: "Noto Serif CJK SC")\n= 公共数据授权运营试点办法\n'
        "第一条 为规范公共数据授权运营。\n#pagebreak()\n第二条 本办法自印发之日起施行。",
    )
    text = pdf_text(data)
    pages = text.split("\f")
    assert len(pages) == 2
    assert "公共数据授权运营试点办法" in pages[0] and "第一条" in pages[0]
    assert "第二条 本办法自印发之日起施行。" in pages[1]


def test_page_limit_stops_reading_long_pdfs(tmp_path: Path) -> None:
    data = rendered_pdf(tmp_path, "One\n#pagebreak()\nTwo\n#pagebreak()\nThree")
    assert pdf_text(data, max_pages=2).split("\f") == ["One", "Two"]


@pytest.mark.parametrize("data", [b"", b"<html>not a pdf</html>", b"%PDF-1.7\n garbage that is not a pdf"])
def test_bytes_that_are_not_a_pdf_raise_bad_input(data: bytes) -> None:
    with pytest.raises(BadInputError):
        pdf_text(data)


def test_truncated_pdf_raises_bad_input(tmp_path: Path) -> None:
    data = rendered_pdf(tmp_path, "Some text")
    with pytest.raises(BadInputError):
        pdf_text(data[: len(data) // 3])
