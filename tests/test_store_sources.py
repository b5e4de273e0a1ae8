"""Crawl state in the store: an item fetched twice (a worker taken for dead while it still ran) is settled once."""

from __future__ import annotations

from policydigest.model import Article, Block
from policydigest.store import open_store
from policydigest.store.sources import ItemStatus, NewLink, SourceRepository

URL = "https://example.gov.cn/tz/2025/0301.html"


def test_an_item_completed_twice_keeps_its_first_outcome_and_one_article(store_url: str) -> None:
    store = open_store(store_url)
    repo = SourceRepository(store)
    repo.enqueue(None, [NewLink(URL, URL, "通知")])
    (item,) = repo.pending(None)
    article = Article(title="关于开展数据资源登记的通知", url=URL, blocks=[Block.paragraph("正文。")])
    first = repo.complete(item.id, article, final_url=URL)
    second = repo.complete(item.id, article, final_url=URL)
    assert first[0] is ItemStatus.DONE and second == first
    assert repo.item(item.id)[1] is ItemStatus.DONE  # type: ignore[index]
    assert store.count_articles() == 1
