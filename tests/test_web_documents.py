"""Attachments read as documents on the web: shown in full on the article page, linked from the bulletin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from policydigest.model import Article, AttachedDocument, Block, Issue
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app

DOCUMENTS = [
    AttachedDocument(
        url="https://e.gov.cn/files/plan.pdf",
        name="附件1：实施方案<script>alert(1)</script>",
        kind="pdf",
        format="pdf",
        blocks=[Block.heading("一、总体要求"), Block.paragraph("到2027年，培育数据商50家。")],
    ),
    AttachedDocument(
        url="https://e.gov.cn/files/scan.pdf",
        name="附件2：扫描件",
        kind="pdf",
        format="pdf",
        blocks=[Block.paragraph("建设公共数据运营平台。")],
        ocr=True,
        ocr_confidence=88.7,
    ),
    AttachedDocument(
        url="javascript:alert(1)", name="附件3：加密文件", kind="doc", reason="Word 文件有密码保护"
    ),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root: Path = tmp_path_factory.mktemp("documents")
    settings = Settings(database_url=f"sqlite:///{root / 's.db'}", index_path=root / "index", catalogue_file=None)
    article = Article(
        title="关于印发实施方案的通知", column="地方新政", blocks=[Block.paragraph("现将方案印发给你们。")],
        url="https://e.gov.cn/art/1.html", documents=DOCUMENTS,
    )  # fmt: skip
    issue = Issue(series="测试周刊", number=1, total_number=1, date=dt.date(2026, 1, 5), articles=[article])
    open_store(settings.database_url).save_issue(issue)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def page(client: TestClient, url: str) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    assert "<script>alert" not in response.text
    return lxml_html.fromstring(response.text)


def test_the_article_page_shows_each_document_in_full_with_what_could_not_be_read(client: TestClient) -> None:
    doc = page(client, "/articles/1")
    sections = doc.xpath("//section[@id='documents']/section[@class='document']")
    assert len(sections) == 3
    first, scan, locked = (section.text_content() for section in sections)
    assert "一、总体要求" in first and "培育数据商50家" in first
    assert "OCR" in scan and "89%" in scan
    assert "未能读取：Word 文件有密码保护" in locked
    assert doc.xpath("//section[@id='doc-1']//h3/a/@href") == ["https://e.gov.cn/files/plan.pdf"]
    assert doc.xpath("//section[@id='doc-3']//h3/a") == []  # a javascript: link is never made a link


def test_the_api_gives_the_documents_with_the_article(client: TestClient) -> None:
    detail = client.get("/api/v1/articles/1").json()
    assert [d["ocr"] for d in detail["documents"]] == [False, True, False]
    assert detail["documents"][2]["reason"] == "Word 文件有密码保护"


def test_the_bulletin_links_the_documents_that_were_read(client: TestClient) -> None:
    doc = page(client, "/issues/1")
    links = doc.xpath("//a[@href='/articles/1#documents']/text()")
    assert links == ["附件1：实施方案<script>alert(1)</script>", "附件2：扫描件"]
