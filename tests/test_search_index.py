"""The search index: exact matching, ranking, filters, facets, order, paging and "more like this"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policydigest.errors import SearchIndexError
from policydigest.search import IndexedArticle, Query, SearchIndex, SortOrder
from tests.search_data import fixture_articles, fixture_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return fixture_index()


def ids(index: SearchIndex, **query: object) -> list[int]:
    return [hit.id for hit in index.search(Query(limit=100, **query)).hits]  # type: ignore[arg-type]


def substring_truth(words: list[str]) -> set[int]:
    return {a.id for a in fixture_articles() if all(w in f"{a.title}\n{a.body}" for w in words)}


@pytest.mark.parametrize(
    "words",
    [
        ["算力"],
        ["数商"],
        ["大模型"],
        ["模型"],
        ["数据交易所"],
        ["数据要素", "数商"],
        ["公共数据授权运营"],
        ["贵数所"],
        ["券"],
    ],
)
def test_hits_are_exactly_the_articles_containing_every_word(index: SearchIndex, words: list[str]) -> None:
    assert set(ids(index, text=" ".join(words))) == substring_truth(words)


def test_two_character_words_match(index: SearchIndex) -> None:
    assert set(ids(index, text="数商")) == {4, 10}


def test_a_word_is_not_found_in_its_characters_apart(index: SearchIndex) -> None:
    # Article 2 has 大 (大力) and 模型 but not 大模型.
    assert 2 not in ids(index, text="大模型")
    assert ids(index, text="大模型") == [1]


def test_words_inside_longer_words_are_found(index: SearchIndex) -> None:
    # 数据交易所 stands inside 贵州省数据交易所 and 上海数据交易所.
    assert set(ids(index, text="数据交易所")) == {4, 8}


def test_words_in_no_dictionary_are_found(index: SearchIndex) -> None:
    assert ids(index, text="贵数所") == [4]


def test_traditional_characters_find_simplified_articles(index: SearchIndex) -> None:
    result = index.search(Query(text="數據要素"))
    assert {hit.id for hit in result.hits} == {8, 10}
    assert result.searched == "数据要素"


def test_latin_words_match_whole_and_a_star_makes_a_prefix(index: SearchIndex) -> None:
    assert ids(index, text="AI") == [6]  # not inside "said" (article 7)
    assert ids(index, text="sa") == []
    assert ids(index, text="sa*") == [7]
    assert ids(index, text="gpt") == [6]


def test_a_quoted_phrase_must_occur_as_written(index: SearchIndex) -> None:
    assert ids(index, text='"said the report"') == [7]
    assert ids(index, text='"the said"') == []


def test_an_excluded_word_removes_articles(index: SearchIndex) -> None:
    assert set(ids(index, text="数据交易所 -深圳")) == {4}


def test_a_title_match_ranks_above_a_body_match(index: SearchIndex) -> None:
    assert ids(index, text="算力")[0] in (3, 9)  # 算力 in the title, not only in the body (article 1)
    assert ids(index, text="算力")[-1] == 1


def test_words_typed_without_spaces_are_split_with_the_dictionary_when_nothing_matches(index: SearchIndex) -> None:
    as_written = index.search(Query(text="算力券"))
    assert (as_written.split, as_written.total) == (False, 1)
    result = index.search(Query(text="贵阳算力"))  # occurs nowhere as written
    assert result.split is True
    assert {hit.id for hit in result.hits} == substring_truth(["贵阳", "算力"])


def test_a_filter_alone_lists_its_articles_newest_first(index: SearchIndex) -> None:
    found = ids(index, columns=["数谷动态"])
    assert set(found) == {1, 4, 9}
    assert found == [9, 1, 4]


def test_a_province_filter_includes_its_cities(index: SearchIndex) -> None:
    assert set(ids(index, regions=["贵州"])) == {1, 4, 9}
    assert set(ids(index, regions=["贵州省"])) == {1, 4, 9}
    assert set(ids(index, regions=["贵阳"])) == {1}


def test_authority_kind_topic_issue_source_and_date_filters(index: SearchIndex) -> None:
    assert ids(index, authorities=["工信部"]) == [5]
    assert ids(index, authorities=["工业和信息化部"]) == [5]
    assert ids(index, kinds=["办法"]) == [5]
    assert ids(index, topics=["computing_power"]) == [3]
    assert ids(index, topics=["人工智能"]) == [1]
    assert set(ids(index, issues=[56])) == {3, 7}
    assert ids(index, sources=["国家数据局"]) == [10]
    assert set(ids(index, since=dt.date(2025, 3, 10), until=dt.date(2025, 3, 12))) == {1, 2, 9}


def test_words_and_filters_combine(index: SearchIndex) -> None:
    assert set(ids(index, text="算力", regions=["贵州"])) == {1, 9}
    assert ids(index, text="算力", columns=["国策要论"]) == []


def test_facets_count_every_hit_per_value(index: SearchIndex) -> None:
    result = index.search(Query(text="算力", limit=1))
    assert result.total == 3
    assert len(result.hits) == 1
    columns = {c.value: c.count for c in result.facets["column"]}
    assert columns == {"数谷动态": 2, "地方新政": 1}
    regions = {c.value: c.count for c in result.facets["region"]}
    assert regions == {"贵州省": 2, "贵阳市": 1, "遵义市": 1, "浙江省": 1}
    assert {c.value: c.count for c in result.facets["issue"]} == {"57": 2, "56": 1}


def test_sorting_by_date_puts_the_newest_first(index: SearchIndex) -> None:
    found = index.search(Query(text="数据", sort=SortOrder.DATE, limit=100)).hits
    dates = [hit.date for hit in found]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_paging_returns_the_next_hits(index: SearchIndex) -> None:
    everything = ids(index, text="数据")
    page = [hit.id for hit in index.search(Query(text="数据", limit=2, offset=2)).hits]
    assert page == everything[2:4]


def test_hits_carry_title_column_date_score_and_marked_snippet(index: SearchIndex) -> None:
    hit = index.search(Query(text="算力券")).hits[0]
    assert (hit.id, hit.column, hit.date) == (9, "数谷动态", dt.date(2025, 3, 12))
    assert hit.score > 0
    assert "<mark>算力券</mark>" in hit.snippet
    assert hit.title_html == "遵义推进<mark>算力券</mark>发放"


def test_more_like_this_finds_related_articles_but_not_itself(index: SearchIndex) -> None:
    similar = [hit.id for hit in index.more_like_this(4)]
    assert 4 not in similar
    assert similar and similar[0] == 8  # the other article about 数据交易所
    assert index.more_like_this(999) == []


def test_replacing_and_deleting_articles(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "idx")
    index.add([IndexedArticle(id=1, title="旧标题", body="算力")])
    index.add([IndexedArticle(id=1, title="新标题", body="数商")])
    assert index.count() == 1
    assert ids(index, text="算力") == []
    assert ids(index, text="数商") == [1]
    index.delete([1])
    assert index.count() == 0


def test_an_index_on_disk_opens_again_with_its_articles(tmp_path: Path) -> None:
    SearchIndex.open(tmp_path / "idx").add(fixture_articles())
    again = SearchIndex.open(tmp_path / "idx", create=False)
    assert again.count() == len(fixture_articles())
    assert again.ids() == {a.id for a in fixture_articles()}


def test_an_index_of_another_version_is_refused_with_a_hint(tmp_path: Path) -> None:
    SearchIndex.open(tmp_path / "idx")
    (tmp_path / "idx" / "meta.json").write_text('{"schema_version": 0}', encoding="utf-8")
    with pytest.raises(SearchIndexError, match="reindex"):
        SearchIndex.open(tmp_path / "idx")


def test_a_missing_index_is_refused_when_not_to_be_created(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="reindex"):
        SearchIndex.open(tmp_path / "nothing", create=False)


def test_facet_counts_are_reused_across_pages_and_renewed_after_a_write(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "idx")
    index.add(fixture_articles())
    first = index.search(Query(text="算力", limit=1))
    second = index.search(Query(text="算力", limit=1, offset=1, sort=SortOrder.DATE))
    assert second.facets == first.facets
    index.add([IndexedArticle(id=99, title="算力", body="", facets={"column": ("国策要论",)})])
    after = index.search(Query(text="算力", limit=1))
    assert {c.value: c.count for c in after.facets["column"]}.get("国策要论") == 1
    assert after.total == first.total + 1
