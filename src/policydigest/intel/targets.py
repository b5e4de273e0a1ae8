"""Targets normalised for the tracker: a range's upper bound, the deadline as a date, the setting document.

The enrichment's :class:`~policydigest.enrichment.TargetFact` gives metric, comparator, value and unit;
here a range (3—5个) gains ``value_max`` and the deadline year becomes a date: the end of that year,
or of the month when the text says so (2025年6月底前 → 2025-06-30).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from policydigest.enrich.facts.quantities import MULTIPLIER, NUMBER, parse_number
from policydigest.enrichment import TargetFact

_RANGE = re.compile(rf"(?P<low>{NUMBER})\s*[—–\-~～至]\s*(?P<high>{NUMBER})\s*(?P<mult>{MULTIPLIER})?")
_MONTH = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})\s*日)?(?:底|末)?\s*(?:前|以前)?"
)


@dataclass(frozen=True)
class Target:
    """One normalised target and where it was set."""

    text: str
    metric: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    year: int | None
    deadline: dt.date | None
    region: str | None
    start: int
    end: int


def deadline_of(text: str, fact: TargetFact) -> dt.date | None:
    """The date a target falls due: the month's end when the text names the month, else the year's end.

    >>> fact = TargetFact(text="100家", start=12, end=16, deadline_year=2025, subject="企业", comparator="=",
    ...                   value=100, unit="家", region=None)
    >>> deadline_of("到2025年6月底前，培育企业100家", fact), deadline_of("到2027年底，培育企业100家", fact)
    (datetime.date(2025, 6, 30), datetime.date(2025, 12, 31))
    >>> deadline_of("自2025年7月1日起施行。到2025年9月底前，培育企业100家", fact.model_copy(update={"start": 30}))
    datetime.date(2025, 9, 30)
    """
    if fact.deadline_year is None:
        return None
    months = [
        int(m.group("month"))
        for m in _MONTH.finditer(text, max(0, fact.start - 80), fact.start)
        # The nearest month of that year; a day after it (自2025年7月1日起施行) is a date, not a deadline.
        if int(m.group("year")) == fact.deadline_year and 1 <= int(m.group("month")) <= 12 and m.group("day") is None
    ]
    if months:
        year, month = fact.deadline_year, months[-1]
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(fact.deadline_year, 12, 31)


def normalise(text: str, fact: TargetFact) -> Target:
    """The tracker's form of a target fact found in ``text`` (the analysed title + body).

    >>> fact = TargetFact(text="3—5个以上", start=9, end=15, deadline_year=2026, subject="节点", comparator=">=",
    ...                   value=3, unit="个", region="甘肃省")
    >>> t = normalise("到2026年，建成节点3—5个以上", fact)
    >>> (t.value, t.value_max, t.deadline.isoformat())
    (3.0, 5.0, '2026-12-31')
    """
    value_max = None
    ranged = _RANGE.search(fact.text)
    if ranged:
        high = parse_number(ranged.group("high"), ranged.group("mult"))
        scale = 1.0
        if fact.value and (low := parse_number(ranged.group("low"), ranged.group("mult"))):
            scale = fact.value / low
        value_max = high * scale if high is not None else None
    return Target(
        text=fact.text,
        metric=fact.subject,
        comparator=fact.comparator,
        value=float(fact.value),
        value_max=value_max,
        unit=fact.unit,
        year=fact.deadline_year,
        deadline=deadline_of(text, fact),
        region=fact.region,
        start=fact.start,
        end=fact.end,
    )
