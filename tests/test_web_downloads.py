"""下载PDF / 下载Word on every issue page, served from the published outputs folder."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tests.web_support import Site


@pytest.mark.slow
def test_an_issue_page_offers_pdf_and_word_downloads_served_from_the_outputs_folder(
    site: Site, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    with TestClient(site.app(outputs_path=outputs)) as client:
        page = lxml_html.fromstring(client.get("/issues/57").text)
        links = {a.text_content(): a.get("href") for a in page.xpath("//a[@download]")}
        assert set(links) == {"下载PDF", "下载Word"}
        pdf = client.get(links["下载PDF"])
        word = client.get(links["下载Word"])
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert "总第57期.pdf" in unquote(pdf.headers["content-disposition"])
        text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
        assert "总第57期" in text or "第8期" in text
        kept = sorted(p.suffix for p in outputs.iterdir())
        assert kept == [".docx", ".pdf"]
        # A second download is the kept file, not a new rendering.
        before = {p: p.stat().st_mtime_ns for p in outputs.iterdir()}
        assert client.get(links["下载PDF"]).content == pdf.content
        assert {p: p.stat().st_mtime_ns for p in outputs.iterdir()} == before


def test_downloading_an_issue_that_does_not_exist_is_a_404(client: TestClient) -> None:
    assert client.get("/issues/999999/download.pdf").status_code == 404
    assert client.get("/issues/57/download.exe").status_code == 422
