"""The index follows the store: every write, enrichment, replacement; rebuilt by reindex; nothing lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tantivy
from fastapi.testclient import TestClient

from policydigest.enrichment import Enrichment, Facts, RegionFact
from policydigest.model import Article, Block, Issue
from policydigest.search import Query, SearchIndex, attach_search_index, default_index_path, rebuild_index
from policydigest.search.schema import SCHEMA_VERSION, build_order
from policydigest.search.sync import IndexSync
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.web import create_app
from store_samples import full_issue


def issue(total: int, *bodies: str) -> Issue:
    articles = [Article(title=f"第{total}期文章{i}", blocks=[Block.paragraph(b)]) for i, b in enumerate(bodies)]
    return Issue(series="测试", number=total, total_number=total, date=dt.date(2025, 3, total), articles=articles)


@pytest.fixture
def store_and_sync(tmp_path: Path) -> tuple[Store, IndexSync]:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    return store, attach_search_index(store, Settings(database_url=url))


def hits(sync: IndexSync, text: str = "", **filters: object) -> set[int]:
    return {h.id for h in sync.index.search(Query(text=text, limit=100, **filters)).hits}  # type: ignore[arg-type]


def test_the_index_lives_beside_the_sqlite_store(tmp_path: Path) -> None:
    assert default_index_path(f"sqlite:///{tmp_path / 's.db'}") == tmp_path / "s.db.search"
    assert default_index_path("postgresql+psycopg://u@h/db") == Path("policydigest-search")


def test_a_saved_issue_is_searchable_at_once(store_and_sync: tuple[Store, IndexSync]) -> None:
    store, sync = store_and_sync
    store.save_issue(issue(1, "遵义发放算力券。", "数商生态。"))
    assert hits(sync, "算力券") == {1}
    store.save_issue(issue(2, "贵阳建设算力中心。"))
    assert hits(sync, "算力") == {1, 3}
    assert hits(sync, issues=[2]) == {3}


def test_a_replaced_issue_leaves_no_stale_articles(store_and_sync: tuple[Store, IndexSync]) -> None:
    store, sync = store_and_sync
    store.save_issue(issue(1, "遵义发放算力券。"))
    store.save_issue(issue(1, "数商生态持续壮大。"), replace=True)
    assert hits(sync, "算力券") == set()
    assert len(hits(sync, "数商")) == 1
    assert sync.index.count() == store.count_articles()


def test_enrichment_written_to_the_store_reaches_the_filters(store_and_sync: tuple[Store, IndexSync]) -> None:
    store, sync = store_and_sync
    store.save_issue(issue(1, "遵义发放算力券。"))
    assert hits(sync, regions=["贵州"]) == set()
    region = RegionFact(text="遵义", start=0, end=2, name="遵义市", level="prefecture", province="贵州省", code=None)
    store.update_enrichment({1: Enrichment(facts=Facts(regions=[region]))})
    assert hits(sync, regions=["贵州"]) == {1}


def test_reindex_rebuilds_the_same_index_from_the_store(
    store_and_sync: tuple[Store, IndexSync], tmp_path: Path
) -> None:
    store, sync = store_and_sync
    store.save_issue(issue(1, "遵义发放算力券。", "数商生态。"))
    folder = sync.folder
    assert folder is not None
    rebuilt = rebuild_index(store, folder)
    assert rebuilt.ids() == {1, 2}
    assert {h.id for h in rebuilt.search(Query(text="数商")).hits} == {2}
    assert not list(tmp_path.glob("*.new-*")) and not list(tmp_path.glob("*.old-*"))


def test_reindex_adds_the_articles_by_month_then_sample_slot(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    for total in (9, 2, 5):  # stored newest first: ids do not follow the dates
        bodies = [f"第{total}期第{k}篇正文。" for k in range(12)]
        articles = [Article(title=f"文章{total}-{k}", blocks=[Block.paragraph(b)]) for k, b in enumerate(bodies)]
        day = dt.date(2025, total, 1)
        store.save_issue(Issue(series="测试", number=total, total_number=total, date=day, articles=articles))
    dates = dict(store.article_dates())
    index = rebuild_index(store, None)
    searcher = index._searcher()
    found = searcher.search(tantivy.Query.all_query(), limit=100, count=False).hits
    by_segment: dict[int, list[tuple[int, int]]] = {}
    for _score, address in found:
        by_segment.setdefault(address.segment_ord, []).append((address.doc, int(searcher.doc(address)["id"][0])))
    in_index = [[article_id for _doc, article_id in sorted(docs)] for docs in by_segment.values()]
    assert sorted(i for ids in in_index for i in ids) == sorted(dates)
    assert min(dates.values()) < max(dates.values())
    for ids in in_index:
        assert ids == sorted(ids, key=lambda i: build_order(i, dates[i]))


def test_an_index_built_after_the_store_starts_with_every_article(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    store.save_issue(issue(1, "遵义发放算力券。"))  # no index attached yet
    sync = attach_search_index(store, Settings(database_url=url))
    store.save_issue(issue(2, "数商生态。"))
    assert sync.index.ids() == {1, 2}


def test_an_index_locked_by_another_writer_loses_nothing(store_and_sync: tuple[Store, IndexSync]) -> None:
    store, sync = store_and_sync
    store.save_issue(issue(1, "遵义发放算力券。"))
    sync.index.lock_timeout = 0.3
    assert sync.folder is not None
    other = SearchIndex.open(sync.folder)  # as another process would hold it
    held = other._index.writer(15_000_000, 1)
    store.save_issue(issue(2, "数商生态。"))
    assert store.count_articles() == 2  # the write stands
    assert sync.pending() == {2}
    del held
    store.save_issue(issue(3, "贵阳建设算力中心。"))
    assert sync.pending() == set()
    assert sync.index.ids() == {1, 2, 3}


def test_an_index_left_from_a_deleted_store_is_rebuilt_for_the_new_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    attach_search_index(store, Settings(database_url=url))
    store.save_issue(issue(1, "遵义发放算力券。", "旧库的数商。"))
    store.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp_path / 's.db'}{suffix}").unlink(missing_ok=True)
    fresh = open_store(url)
    sync = attach_search_index(fresh, Settings(database_url=url))
    fresh.save_issue(issue(5, "贵阳建设算力中心。"))
    assert sync.index.ids() == {1}
    assert hits(sync, "数商") == set()


def test_two_web_nodes_with_their_own_indexes_converge_after_writes_of_another_process(
    store_url: str, tmp_path: Path
) -> None:
    def node(name: str) -> TestClient:
        settings = Settings(database_url=store_url, index_path=tmp_path / name, index_follow_seconds=0)
        return TestClient(create_app(settings))

    def found(client: TestClient, query: str) -> int:
        response = client.get("/api/v1/search", params={"q": query})
        assert response.status_code == 200
        total: int = response.json()["total"]
        return total

    with node("a") as a, node("b") as b:
        assert found(a, "数据要素市场") == found(b, "数据要素市场") == 0
        worker = open_store(store_url)  # another process's store: no listener of either node hears it
        worker.save_issue(full_issue())
        assert found(a, "数据要素市场") == found(b, "数据要素市场") > 0
        renamed: Issue = full_issue()
        renamed.articles[0] = renamed.articles[0].model_copy(update={"title": "关于统筹推进算力网络建设的意见"})
        worker.save_issue(renamed, replace=True)
        assert found(a, "统筹推进算力网络") == found(b, "统筹推进算力网络") == 1
        worker.close()
def test_an_index_of_an_older_schema_is_rebuilt_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    store.save_issue(issue(1, "遵义发放算力券。"))
    folder = tmp_path / "s.db.search"
    rebuild_index(store, folder)
    (folder / "meta.json").write_text('{"schema_version": 1}', encoding="utf-8")  # as an older program left it
    sync = attach_search_index(store, Settings(database_url=url))
    assert sync.index.ids() == {1}
    assert SearchIndex.version_at(folder) == SCHEMA_VERSION
