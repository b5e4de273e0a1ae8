"""Dates as Chinese pages write them: 2019-09-07 13:43:45, 2019年09月07日 13:43, 2019/9/7, 19-09-07.

Times are read as China Standard Time; an ISO time with an offset, or a Unix timestamp, is converted
to it, and the result is naive (local Beijing time), since that is how the page shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

CHINA = dt.timezone(dt.timedelta(hours=8))
_EARLIEST, _LATEST = 1990, 2100

_TIME = r"(?:\s*[T ]?\s*(?P<h>[01]?\d|2[0-3])\s*[:：时]\s*(?P<mi>[0-5]\d)(?:\s*[:：分]\s*(?P<s>[0-5]\d))?)?"
_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.年]\s*(?P<m>1[0-2]|0?[1-9])\s*[-/.月]\s*(?P<d>3[01]|[12]\d|0?[1-9])"
    r"|\s+(?P<m2>1[0-2]|0?[1-9])/(?P<d2>3[01]|[12]\d|0?[1-9]))(?!\d)\s*日?" + _TIME
)
# "18-03-08 23:16": a two-digit year only with a time, which makes it unambiguous enough.
_SHORT_YEAR = re.compile(
    r"(?<![\d-])(?P<y>[12]\d)-(?P<m>1[0-2]|0\d)-(?P<d>3[01]|[12]\d|0\d)\s*(?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)"
)
# "10-08 12:00", "09/07 19:02": month and day without a year.
_NO_YEAR = re.compile(
    r"(?<![\d/-])(?P<m>1[0-2]|0?[1-9])[-/月](?P<d>3[01]|[12]\d|0?[1-9])日?\s*(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?!\d)"
)
_EPOCH = re.compile(r"^\s*(1\d{9})(\d{3})?\s*$")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: the value, whether a time was given, whether the year was, and where."""

    value: dt.datetime
    has_time: bool
    has_year: bool
    start: int
    end: int

    def result(self) -> dt.datetime | dt.date:
        return self.value if self.has_time else self.value.date()


def _make(y: int, m: int, d: int, h: str | None, mi: str | None, s: str | None) -> dt.datetime | None:
    if not _EARLIEST <= y <= _LATEST:
        return None
    try:
        return dt.datetime(y, m, d, int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None


def find_dates(text: str) -> Iterator[FoundDate]:
    """Every date in ``text`` in order of appearance (full dates, short years, then year-less ones).

    >>> [f.result() for f in find_dates("发布时间：2019年09月07日 13:43 来源：新华社")]
    [datetime.datetime(2019, 9, 7, 13, 43)]
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for match in _FULL.finditer(text):
        month, day = match["m"] or match["m2"], match["d"] or match["d2"]
        value = _make(int(match["y"]), int(month), int(day), match["h"], match["mi"], match["s"])
        if value:
            found.append(FoundDate(value, match["h"] is not None, True, match.start(), match.end()))
            taken.append(match.span())
    for match in _SHORT_YEAR.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        value = _make(2000 + int(match["y"]), int(match["m"]), int(match["d"]), match["h"], match["mi"], None)
        if value:
            found.append(FoundDate(value, True, True, match.start(), match.end()))
            taken.append(match.span())
    for match in _NO_YEAR.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        value = _make(2000, int(match["m"]), int(match["d"]), match["h"], match["mi"], None)
        if value:
            found.append(FoundDate(value, True, False, match.start(), match.end()))
    yield from sorted(found, key=lambda f: f.start)


def parse_date(value: str) -> dt.datetime | dt.date | None:
    """A date from a metadata value: ISO 8601 (offsets converted to Beijing time), Chinese forms, epochs.

    >>> parse_date("2019-09-07T05:51:23.000Z")
    datetime.datetime(2019, 9, 7, 13, 51, 23)
    >>> parse_date("1581517074")
    datetime.datetime(2020, 2, 12, 22, 17, 54)
    >>> parse_date("2019-9-7"), parse_date("not a date")
    (datetime.date(2019, 9, 7), None)
    """
    value = value.strip()
    if not value:
        return None
    epoch = _EPOCH.match(value)
    if epoch:
        return from_timestamp(int(epoch.group(1)))
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(CHINA).replace(tzinfo=None)
        if not _EARLIEST <= parsed.year <= _LATEST:
            return None
        has_time = bool(re.search(r"\d[T ]\d", value))
        return parsed if has_time else parsed.date()
    for found in find_dates(value):
        if found.has_year:
            return found.result()
    return None


def from_timestamp(seconds: int) -> dt.datetime | None:
    """A Unix timestamp as naive Beijing time; None outside 1990–2100.

    >>> from_timestamp(1581517074)
    datetime.datetime(2020, 2, 12, 22, 17, 54)
    """
    try:
        value = dt.datetime.fromtimestamp(seconds, tz=CHINA).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    return value if _EARLIEST <= value.year <= _LATEST else None
