"""A notice crawled from a loopback server with its attachments: each read, stored, searchable and enriched."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from policydigest.ingest.attachments_fetch import read_attachments
from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.crawl import crawl_once
from policydigest.ingest.fetch import Fetcher
from policydigest.model import Article, AttachedDocument
from policydigest.search import Query, attach_search_index
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.articles import article_from_row
from policydigest.store.schema import ArticleRow

pytestmark = pytest.mark.slow  # LibreOffice makes the .doc; Tesseract reads the scan

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
    "ofd": "application/ofd",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def serve_attachments(web: Any, files: dict[str, bytes]) -> None:
    for kind in ("pdf", "docx", "doc", "wps", "ofd"):
        web.files[f"/files/plan.{kind}"] = (files[kind], CONTENT_TYPES[kind])
    web.files["/files/projects.xlsx"] = (files["xlsx"], CONTENT_TYPES["xlsx"])
    web.files["/files/scan.pdf"] = (files["scan"], "application/pdf")


def stored(store: Store) -> list[Article]:
    with store.session() as session:
        return [article_from_row(row) for row in session.scalars(select(ArticleRow).order_by(ArticleRow.id))]


def crawl_notice(web: Any, settings: Settings) -> Store:
    store = open_store(settings.database_url)
    source = SourceSpec(name="明湖·通知", kind="listing", url=web.url("/notice/index.html"), selector="ul.list a")
    report = crawl_once(settings, store, catalogue=[source])
    assert [(run.tally.stored, run.error) for run in report.runs] == [(1, None)]
    return store


@pytest.fixture
def notice_settings(web_settings: Settings) -> Settings:
    return web_settings.model_copy(update={"fetch_max_bytes": 2_000_000, "attachments_max_count": 10})


def test_every_attachment_of_a_notice_is_read_and_stored_with_it(
    web: Any, notice_settings: Settings, attachment_files: dict[str, bytes]
) -> None:
    serve_attachments(web, attachment_files)
    store = crawl_notice(web, notice_settings)
    [article] = stored(store)
    documents = {doc.url.rsplit("/", 1)[-1]: doc for doc in article.documents}
    for name in ("plan.pdf", "plan.docx", "plan.doc", "plan.wps", "plan.ofd", "scan.pdf"):
        assert "数据商50家" in documents[name].text, name
        assert documents[name].reason is None
    assert documents["plan.wps"].format == "wps" and documents["plan.ofd"].format == "ofd"
    assert documents["scan.pdf"].ocr and not documents["plan.pdf"].ocr
    assert "数据交易所\t市数据局\t12" in documents["projects.xlsx"].text
    assert documents["plan.pdf"].name == "1.明湖市公共数据授权运营实施方案.pdf"


def test_attachments_that_cannot_be_fetched_keep_their_link_and_a_reason(
    web: Any, notice_settings: Settings, attachment_files: dict[str, bytes]
) -> None:
    serve_attachments(web, attachment_files)
    [article] = stored(crawl_notice(web, notice_settings))
    reasons = {doc.name: doc.reason for doc in article.documents if not doc.read}
    assert reasons["8.已撤下的附件.pdf"] == f"未能获取：{web.url('/files/gone.pdf')} 返回 HTTP 404"
    oversized = reasons["9.超大附件.pdf"]
    assert oversized is not None and "超过 fetch_max_bytes=2000000" in oversized


def test_attachment_text_is_searchable_and_enriched(
    web: Any, notice_settings: Settings, attachment_files: dict[str, bytes]
) -> None:
    serve_attachments(web, attachment_files)
    store = open_store(notice_settings.database_url)
    sync = attach_search_index(store, notice_settings)
    crawl_notice(web, notice_settings)
    [article] = stored(store)
    assert "数据商" not in article.body  # only the attachments say it
    assert [hit.id for hit in sync.index.search(Query(text="培育数据商")).hits] == [article.id]
    assert article.enrichment.facts is not None
    targets = article.enrichment.facts.targets
    assert any(t.value == 30_000_000_000 and t.deadline_year == 2027 for t in targets)


def test_attachments_past_the_count_limit_are_listed_unread(web: Any, web_settings: Settings) -> None:
    links = [AttachedDocument(url=web.url(f"/files/{n}.pdf"), kind="pdf") for n in range(3)]
    with Fetcher(web_settings) as fetcher:
        documents = read_attachments(fetcher, links, web_settings.model_copy(update={"attachments_max_count": 2}))
    assert [doc.reason for doc in documents][2] == "未读取：附件超过 attachments_max_count=2 个"
    assert web.state.paths() == ["/robots.txt", "/files/0.pdf", "/files/1.pdf"]


def test_with_reading_off_the_links_are_kept_and_nothing_is_fetched(web: Any, web_settings: Settings) -> None:
    links = [AttachedDocument(url=web.url("/files/plan.pdf"), name="附件", kind="pdf")]
    with Fetcher(web_settings) as fetcher:
        [document] = read_attachments(fetcher, links, web_settings.model_copy(update={"attachments_read": False}))
    assert document.reason == "未读取：附件读取已关闭（设置 attachments_read）"
    assert web.state.paths() == []
