"""Counting matches and facet values: exact for most queries, from a sample for very common words."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from policydigest.search import IndexedArticle, Query, SearchIndex, SortOrder
from policydigest.search.counting import Limits, estimate
from policydigest.search.schema import SAMPLE_SLOTS, sample_slot

COLUMNS = ("国策要论", "地方新政", "产业前沿")


def common_and_rare_articles(size: int = 3_000) -> list[IndexedArticle]:
    """Every other article has 算力 (common); every 150th has 数商 (rare); columns take turns; one a
    day for two years, with the id's order scrambled against the date's."""
    return [
        IndexedArticle(
            id=n,
            title=f"第{n}篇",
            body=("发放算力券。" if n % 2 == 0 else "推进数据流通。") + ("培育数商。" if n % 150 == 0 else ""),
            facets={"column": (COLUMNS[n % 3],)},
            date=dt.date(2024, 1, 1) + dt.timedelta(days=n * 7 % 730),
        )
        for n in range(1, size + 1)
    ]


def small_index_that_samples(ranked_matches: int) -> SearchIndex:
    index = SearchIndex.in_memory()
    index.add(common_and_rare_articles(), replace=False)
    index.facet_cache_size = 0
    # Small enough for a small index to sample its common words.
    index.count_limits = Limits(exact=400, sample=300, ranked=ranked_matches, facets=200)
    return index


@pytest.fixture(scope="module")
def sampled_index() -> SearchIndex:
    return small_index_that_samples(ranked_matches=10**9)  # ranks every match


@pytest.fixture(scope="module")
def ranks_the_newest() -> SearchIndex:
    return small_index_that_samples(ranked_matches=300)


@pytest.fixture(scope="module")
def exact_index() -> SearchIndex:
    index = SearchIndex.in_memory()
    index.add(common_and_rare_articles(), replace=False)
    return index


def test_a_very_common_word_is_counted_in_a_sample_and_said_to_be_approximate(sampled_index: SearchIndex) -> None:
    result = sampled_index.search(Query(text="算力", limit=10))
    assert result.approximate
    assert abs(result.total - 1_500) <= 1_500 * 0.2
    columns = {c.value: c.count for c in result.facets["column"]}
    assert set(columns) == set(COLUMNS)
    assert all(abs(n - 500) <= 500 * 0.35 for n in columns.values())
    assert any("抽样估算" in note for note in result.notes)


def test_a_common_word_has_its_facets_counted_in_a_sample_and_its_total_exactly() -> None:
    index = SearchIndex.in_memory()
    index.add(common_and_rare_articles(), replace=False)
    index.count_limits = Limits(exact=2_000, sample=300, ranked=300, facets=200)
    result = index.search(Query(text="算力", limit=10))
    assert (result.total, result.approximate, result.facets_approximate) == (1_500, False, True)
    assert all(abs(c.count - 500) <= 500 * 0.35 for c in result.facets["column"])
    assert any("各分类的篇数是按抽样估算" in note for note in result.notes)
    assert result.ranked_since is None


def test_a_rare_word_in_the_same_index_is_counted_exactly(sampled_index: SearchIndex) -> None:
    result = sampled_index.search(Query(text="数商", limit=10))
    assert not result.approximate and not result.facets_approximate
    assert result.total == 20
    assert sum(c.count for c in result.facets["column"]) == 20
    assert not any("抽样估算" in note for note in result.notes)


def test_the_page_of_hits_does_not_depend_on_the_sample(sampled_index: SearchIndex, exact_index: SearchIndex) -> None:
    for text in ("算力", "算力券", "数据"):
        query = Query(text=text, limit=10, offset=20)
        assert [h.id for h in sampled_index.search(query).hits] == [h.id for h in exact_index.search(query).hits]
        assert not exact_index.search(query).approximate


def test_a_very_common_word_ranks_the_best_of_its_newest_matches_and_says_since_when(
    ranks_the_newest: SearchIndex, exact_index: SearchIndex
) -> None:
    result = ranks_the_newest.search(Query(text="算力", limit=10))
    since = result.ranked_since
    assert since is not None
    best_since = exact_index.search(Query(text="算力", limit=10, since=since))
    assert [h.id for h in result.hits] == [h.id for h in best_since.hits]
    assert result.total == pytest.approx(1_500, rel=0.2)  # still counts every match (in the sample)
    assert any(f"{since.year}年{since.month}月{since.day}日以来" in note for note in result.notes)


def test_sorted_by_date_a_very_common_word_gives_exactly_the_newest_hits(
    ranks_the_newest: SearchIndex, exact_index: SearchIndex
) -> None:
    query = Query(text="算力", limit=10, sort=SortOrder.DATE)
    result = ranks_the_newest.search(query)
    assert result.ranked_since is None
    assert [h.id for h in result.hits] == [h.id for h in exact_index.search(query).hits]


def test_a_page_past_the_newest_matches_ranks_every_match(
    ranks_the_newest: SearchIndex, exact_index: SearchIndex
) -> None:
    query = Query(text="算力", limit=10, offset=1_400)
    result = ranks_the_newest.search(query)
    assert result.ranked_since is None
    assert [h.id for h in result.hits] == [h.id for h in exact_index.search(query).hits]


def test_an_index_no_bigger_than_the_limit_is_always_counted_exactly() -> None:
    index = SearchIndex.in_memory()
    index.add(common_and_rare_articles(300), replace=False)
    index.count_limits = Limits(exact=300)
    result = index.search(Query(text="算力"))
    assert (result.total, result.approximate) == (150, False)


def test_sample_slots_spread_consecutive_ids_evenly() -> None:
    per_slot = Counter(sample_slot(n) for n in range(1, SAMPLE_SLOTS * 200 + 1))
    assert set(per_slot) == set(range(SAMPLE_SLOTS))
    assert max(per_slot.values()) <= 200 * 1.3 and min(per_slot.values()) >= 200 * 0.7


@pytest.mark.parametrize(
    ("counted", "scale", "shown"), [(12, 1.0, 12), (7, 3.0, 21), (3_557, 25.6, 91_100), (123_456, 1.0, 123_456)]
)
def test_estimates_are_scaled_and_rounded_to_three_digits(counted: int, scale: float, shown: int) -> None:
    assert estimate(counted, scale) == shown
