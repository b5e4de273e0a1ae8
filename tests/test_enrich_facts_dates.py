"""Dates and their roles: publication, effective, deadline, period, mention."""

from __future__ import annotations

import datetime as dt

from policydigest.enrich.facts.dates import extract_dates

PUBLISHED = dt.date(2024, 4, 12)


def _roles(text: str) -> list[tuple[str, dt.date | None, int | None, int | None]]:
    return [(d.role, d.date, d.year, d.end_year) for d in extract_dates(text, PUBLISHED)]


def test_an_effective_date_is_found_with_its_full_date() -> None:
    assert _roles("本办法自2024年7月1日起施行。") == [("effective", dt.date(2024, 7, 1), 2024, None)]


def test_this_year_resolves_against_the_publication_date() -> None:
    assert _roles("条例将于今年6月1日起施行") == [("effective", dt.date(2024, 6, 1), 2024, None)]


def test_deadlines_are_found_before_and_after_the_date() -> None:
    roles = _roles("到2026年，建成体系；2025年7月底前实现目标；力争到2027年底完成。")
    assert [(r[0], r[2]) for r in roles] == [("deadline", 2026), ("deadline", 2025), ("deadline", 2027)]


def test_as_of_dates_are_not_deadlines() -> None:
    assert all(role != "deadline" for role, *_ in _roles("截至2024年3月底，共有企业100家。"))


def test_periods_with_any_dash_have_start_and_end_years() -> None:
    roles = _roles("三年行动计划（2024—2026年）与方案(2024-2026年)及2024财年至2027财年")
    assert [(r[0], r[2], r[3]) for r in roles] == [("period", 2024, 2026)] * 2 + [("period", 2024, 2027)]


def test_a_date_followed_by_an_issuing_verb_is_the_publication_date() -> None:
    assert _roles("4月10日，示例市数据局发布《示例意见》")[0] == (
        "publication",
        dt.date(2024, 4, 10),
        2024,
        None,
    )


def test_other_dates_are_mentions_and_impossible_dates_have_no_date() -> None:
    assert _roles("2024年5月1日会议举行") == [("mention", dt.date(2024, 5, 1), 2024, None)]
    assert _roles("2024年2月30日会议举行")[0][1] is None


def test_without_a_publication_date_a_day_and_month_have_no_year() -> None:
    [fact] = extract_dates("4月10日举行")
    assert (fact.year, fact.date) == (None, None)


def test_bad_input_gives_no_dates() -> None:
    for text in ["", "年月日", "2024年13月", "。" * 100, "9" * 5000]:
        assert all(d.role != "effective" for d in extract_dates(text))
