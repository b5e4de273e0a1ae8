"""Legacy listings crawled from the loopback server: a 5-page paged listing, a JSON endpoint, a frameset."""

from __future__ import annotations

from typing import Any

import pytest

from policydigest.errors import CatalogueError
from policydigest.ingest.catalogue import SourceSpec, parse_catalogue
from policydigest.ingest.crawl import crawl_once
from policydigest.ingest.fetch import Fetcher
from policydigest.ingest.items import fetch_article
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.sources import SourceRepository


def spec(**fields: Any) -> SourceSpec:
    return SourceSpec.model_validate({"name": "明湖·政策文件", **fields})


def test_a_five_page_listing_is_crawled_completely(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    paged = spec(kind="listing", url=web.url("/legacy/index.html"), pages=5, page_url="index_{n}.html")
    report = crawl_once(web_settings, store, catalogue=[paged])
    assert [(run.links, run.tally.stored, run.error) for run in report.runs] == [(15, 15, None)]
    listing_pages = [p for p in web.state.paths() if p.startswith("/legacy/")]
    assert listing_pages == ["/legacy/index.html", *(f"/legacy/index_{n}.html" for n in range(1, 5))]


def test_paging_stops_at_the_configured_depth(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    paged = spec(kind="listing", url=web.url("/legacy/index.html"), pages=2, page_url="index_{n}.html")
    [run] = crawl_once(web_settings, store, catalogue=[paged]).runs
    assert (run.links, run.tally.stored) == (6, 6)


def test_a_missing_page_ends_paging_and_keeps_the_links_found(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    paged = spec(kind="listing", url=web.url("/legacy/index.html"), pages=9, page_url="index_{n}.html")
    [run] = crawl_once(web_settings, store, catalogue=[paged]).runs
    assert (run.links, run.error) == (15, None)
    assert "/legacy/index_6.html" not in web.state.paths()


def test_a_json_listing_is_crawled_completely(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    endpoint = spec(kind="json", url=web.url("/legacy/list.json"), json_items="data.list")
    [run] = crawl_once(web_settings, store, catalogue=[endpoint]).runs
    assert (run.links, run.tally.stored, run.error) == (4, 4, None)
    assert SourceRepository(store).item_counts() == {"done": 4}


def test_a_frameset_page_gives_the_article_of_its_main_frame(web: Any, web_settings: Settings) -> None:
    with Fetcher(web_settings) as fetcher:
        fetched = fetch_article(fetcher, web.url("/legacy/frameset.html"))
    assert fetched.article is not None
    assert fetched.article.title == "明湖市数据资源局关于印发《明湖市公共数据授权运营管理办法（试行）》的通知"
    assert "/legacy/top.html" not in web.state.paths()


def test_catalogue_entries_declare_paging_json_and_attachment_policy() -> None:
    [entry] = parse_catalogue(
        '[[source]]\nname="a"\nkind="json"\nurl="https://e.gov.cn/api/list"\njson_items="data.rows"\n'
        'pages=3\npage_url="?page={n}"\nattachments="list"\n'
    )
    assert (entry.kind, entry.json_items, entry.pages, entry.attachments) == ("json", "data.rows", 3, "list")
    with pytest.raises(CatalogueError, match="必须含有"):
        parse_catalogue('[[source]]\nname="a"\nkind="listing"\nurl="https://e.gov.cn/"\npage_url="index.html"\n')


def test_a_source_whose_attachment_policy_is_list_keeps_the_links_unread(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    notices = spec(kind="listing", url=web.url("/notice/index.html"), selector="ul.list a", attachments="list")
    [run] = crawl_once(web_settings, store, catalogue=[notices]).runs
    [result] = run.tally.results
    assert result.article is not None and len(result.article.documents) == 9
    assert {doc.reason for doc in result.article.documents} == {
        "未读取：附件读取已关闭（设置 attachments_read）"
    }
    assert not [path for path in web.state.paths() if path.startswith(("/files/", "/big"))]
