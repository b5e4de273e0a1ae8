"""Dates with their role: publication, effective (自…起施行), deadline (到2026年, 7月底前), period.

Years may be relative (今年, 明年); they are resolved against the article's publication date when
known, else left unknown. A bare year is only kept as a deadline or in a period: 2023年 alone says
too little.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from policydigest.enrich.facts.model import DateFact, DateRole

log = logging.getLogger(__name__)

# Every date starts with a digit or with 今年/明年/去年: scan for those first, then match there.
_START = re.compile(r"\d+|今年|明年|去年")
_DATE = re.compile(
    r"(?P<y1>\d{4})\s*(?:财)?年?\s*[—–\-－~～至到]{1,2}\s*(?P<y2>\d{4})\s*(?:财)?年"
    r"|(?:(?P<y>\d{4})\s*年\s*|(?P<rel>今年|明年|去年))?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|(?P<edge>底|末|初))?"
    r"|(?P<yo>\d{4})\s*年\s*(?P<yedge>底|末|初)?"
    r"|(?P<relo>今年|明年)(?P<reledge>底|内)"
)
_DEADLINE_BEFORE = re.compile(r"(?:力争|争取)?(?<!截)(?:到|至)\s*$")
_DEADLINE_AFTER = re.compile(r"\s*(?:以前|之前|前)")
_EFFECTIVE_AFTER = re.compile(r"\s*(?:起|开始)?\s*(?:开始|正式)?\s*(?:施行|实施|生效)")
_PUBLICATION_AFTER = re.compile(r"[^。；\n]{0,24}?(?:发布|印发|公布|出台|颁布|签署)")
_RELATIVE = {"今年": 0, "明年": 1, "去年": -1}


def _year(match: re.Match[str], published: dt.date | None) -> int | None:
    written = match.group("y") or match.group("yo")
    if written:
        return int(written)
    relative = match.group("rel") or match.group("relo")
    if relative and published is not None:
        return published.year + _RELATIVE[relative]
    return None


def _full_date(year: int | None, month: str | None, day: str | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        log.info("not a calendar date: %s-%s-%s", year, month, day)
        return None


def _role(text: str, match: re.Match[str]) -> DateRole | None:
    before = text[max(0, match.start() - 4) : match.start()]
    if _DEADLINE_BEFORE.search(before) or _DEADLINE_AFTER.match(text, match.end()):
        return "deadline"
    if match.group("relo"):
        return "deadline"  # 今年底, 今年内
    if _EFFECTIVE_AFTER.match(text, match.end()):
        return "effective"
    if match.group("yo"):
        return None  # a bare year that is neither deadline nor start date
    if match.group("d") and _PUBLICATION_AFTER.match(text, match.end()):
        return "publication"
    return "mention"


def extract_dates(text: str, published: dt.date | None = None) -> list[DateFact]:
    """Every date, period and deadline, in text order; ``published`` resolves 今年 and 4月1日.

    >>> [(d.role, d.year, d.end_year) for d in extract_dates("到2026年，三年行动计划（2024—2026年）")]
    [('deadline', 2026, None), ('period', 2024, 2026)]
    >>> [(d.role, d.date) for d in extract_dates("自2024年7月1日起施行", None)]
    [('effective', datetime.date(2024, 7, 1))]
    """
    facts: list[DateFact] = []
    consumed = 0
    for start in _START.finditer(text):
        if start.start() < consumed or (start.start() and text[start.start() - 1] == "."):
            continue
        head = text[start.start() : start.start() + 12]
        if "年" not in head and "月" not in head:
            continue  # most numbers are not dates: skip the full pattern
        match = _DATE.match(text, start.start())
        if match is None:
            continue
        consumed = match.end()
        if match.group("y1"):
            first, last = int(match.group("y1")), int(match.group("y2"))
            if first < last <= first + 50:
                facts.append(
                    DateFact.model_construct(
                        text=match.group(0),
                        start=match.start(),
                        end=match.end(),
                        role="period",
                        date=None,
                        year=first,
                        end_year=last,
                    )
                )
            continue
        month = match.group("m")
        if month is not None and not 1 <= int(month) <= 12:
            continue
        role = _role(text, match)
        if role is None:
            continue
        year = _year(match, published)
        if year is None and month is not None and published is not None and not match.group("rel"):
            year = published.year  # 4月1日 in a news item means this year
        facts.append(
            DateFact.model_construct(
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                role=role,
                date=_full_date(year, month, match.group("d")),
                year=year,
                end_year=None,
            )
        )
    return facts
