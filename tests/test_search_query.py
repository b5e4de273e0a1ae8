"""Query parsing: words, phrases, prefixes, exclusions, traditional characters, the dictionary split."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from policydigest.search.query import Query, Term, parse_query, split_with_dictionary, to_simplified


def test_words_are_split_on_spaces_and_all_required() -> None:
    assert [t.text for t in parse_query(" 数据要素   贵州 ").required] == ["数据要素", "贵州"]


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("數據要素") == "数据要素"
    assert parse_query("數據交易所").terms == (Term("数据交易所"),)


def test_quotes_of_every_kind_make_phrases() -> None:
    parsed = parse_query('"said the report" “数据 要素” 「算力券」')
    assert [(t.text, t.phrase) for t in parsed.terms] == [
        ("said the report", True),
        ("数据 要素", True),
        ("算力券", True),
    ]


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('"数据 要素').terms == (Term("数据 要素", phrase=True),)


def test_star_makes_a_prefix_and_minus_an_exclusion() -> None:
    assert parse_query("GPT* -深圳").terms == (Term("GPT", prefix=True), Term("深圳", exclude=True))


def test_lone_operators_are_ignored() -> None:
    assert parse_query('- * ""').terms == ()


def test_a_run_without_spaces_is_split_into_dictionary_words() -> None:
    split = split_with_dictionary(parse_query("贵州算力"))
    assert split is not None
    assert [t.text for t in split.terms] == ["贵州", "算力"]


def test_phrases_and_short_words_are_never_split() -> None:
    assert split_with_dictionary(parse_query('"贵州算力" 算力')) is None


def test_dates_out_of_order_and_limits_out_of_range_are_refused() -> None:
    with pytest.raises(ValidationError):
        Query(since=dt.date(2025, 3, 1), until=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        Query(limit=5000)


def test_has_filters_tells_a_filtered_query() -> None:
    assert not Query(text="算力").has_filters()
    assert Query(regions=["贵州"]).has_filters()
