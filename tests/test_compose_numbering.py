"""Numbering: 期 continues within the year and restarts in January; 总期 continues; both settable."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policydigest.compose.numbering import Numbered, next_numbers


def test_number_continues_within_the_year() -> None:
    previous = [Numbered(8, 57, dt.date(2025, 3, 14)), Numbered(9, 58, dt.date(2025, 3, 21))]
    numbering = next_numbers(previous, dt.date(2025, 3, 28))
    assert (numbering.number, numbering.total_number) == (10, 59)
    assert "总第58期" in numbering.reason


def test_number_restarts_in_january_while_the_total_continues() -> None:
    numbering = next_numbers([Numbered(51, 120, dt.date(2025, 12, 26))], dt.date(2026, 1, 2))
    assert (numbering.number, numbering.total_number) == (1, 121)
    assert "2026年首期" in numbering.reason


def test_the_first_issue_of_a_series_is_number_one() -> None:
    numbering = next_numbers([], dt.date(2025, 5, 9))
    assert (numbering.number, numbering.total_number) == (1, 1)


def test_numbers_set_by_hand_are_kept_and_said() -> None:
    numbering = next_numbers([Numbered(9, 58, dt.date(2025, 3, 21))], dt.date(2025, 3, 28), number=12, total_number=70)
    assert (numbering.number, numbering.total_number) == (12, 70)
    assert "人工设定为第12期" in numbering.reason and "人工设定为总第70期" in numbering.reason


def test_a_number_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="从 1 开始"):
        next_numbers([], dt.date(2025, 1, 3), total_number=0)


@given(
    st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=400),
)
def test_numbering_a_weekly_run_restarts_exactly_at_each_new_year(dates: list[dt.date], gap: int) -> None:
    run: list[Numbered] = []
    for day in sorted(dates):
        numbering = next_numbers(run, day)
        run.append(Numbered(numbering.number, numbering.total_number, day))
    assert [n.total_number for n in run] == list(range(1, len(run) + 1))
    for before, after in itertools.pairwise(run):
        expected = before.number + 1 if before.date.year == after.date.year else 1
        assert after.number == expected
    later = run[-1].date + dt.timedelta(days=gap)
    assert next_numbers(run, later).number == (run[-1].number + 1 if later.year == run[-1].date.year else 1)
