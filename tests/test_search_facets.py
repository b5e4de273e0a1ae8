"""Filters and facet counts."""

from __future__ import annotations

import datetime as dt

from policydigest.search import Query
from policydigest.search.facets import FACET_NAMES, date_number, facet_counts, number_date
from tests.search_data import fixture_index


def test_dates_round_trip_through_their_index_numbers() -> None:
    day = dt.date(2024, 12, 30)
    assert number_date(date_number(day)) == day
    assert number_date(date_number(None)) is None


def test_blank_filter_values_match_nothing_rather_than_everything() -> None:
    index = fixture_index()
    assert index.search(Query(columns=["  "])).total == 0


def test_undated_articles_are_left_out_by_a_date_filter_only() -> None:
    from policydigest.search import IndexedArticle, SearchIndex

    index = SearchIndex.in_memory()
    index.add(
        [
            IndexedArticle(id=1, title="算力", body=""),
            IndexedArticle(id=2, title="算力", body="", date=dt.date(2025, 1, 1)),
        ]
    )
    assert index.search(Query(text="算力")).total == 2
    assert [h.id for h in index.search(Query(text="算力", until=dt.date(2025, 6, 1))).hits] == [2]


def test_every_facet_is_counted_most_frequent_first() -> None:
    result = fixture_index().search(Query(text="数据"))
    assert set(result.facets) == set(FACET_NAMES)
    counts = [c.count for c in result.facets["column"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == result.total  # every fixture article has one column


def test_numeric_bucket_keys_become_plain_strings() -> None:
    found = facet_counts({"issue": {"buckets": [{"key": 57.0, "doc_count": 2}]}})
    assert [(c.value, c.count) for c in found["issue"]] == [("57", 2)]


def test_no_facets_are_counted_when_not_asked() -> None:
    assert fixture_index().search(Query(text="数据", facets=False)).facets == {}
