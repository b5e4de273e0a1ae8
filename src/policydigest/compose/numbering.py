"""Numbering an issue: 期 continues within the year and restarts in January; 总期 continues the series.

Both can be set by hand (an editor skipping a number, or the first issue the system makes of a series
that has a paper history); a hand-set number is kept and said in the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Numbered:
    """An issue (published or drafted) of the series: its numbers and date."""

    number: int
    total_number: int
    date: dt.date


@dataclass(frozen=True)
class Numbering:
    """The numbers of the next issue and how they were reached."""

    number: int
    total_number: int
    reason: str


def next_numbers(
    previous: Iterable[Numbered], date: dt.date, *, number: int | None = None, total_number: int | None = None
) -> Numbering:
    """The 期 and 总期 of an issue dated ``date`` after the ``previous`` issues of its series.

    >>> prev = [Numbered(9, 58, dt.date(2025, 3, 21))]
    >>> next_numbers(prev, dt.date(2025, 3, 28))
    Numbering(number=10, total_number=59, reason='接续总第58期（2025年第9期）')
    >>> next_numbers([Numbered(52, 101, dt.date(2025, 12, 26))], dt.date(2026, 1, 2)).number
    1
    >>> next_numbers([], dt.date(2025, 1, 3), total_number=57).total_number
    57
    """
    if any(n is not None and n < 1 for n in (number, total_number)):
        raise ValueError("期号从 1 开始")
    last = max(previous, key=lambda p: (p.total_number, p.date), default=None)
    if last is None:
        auto_number, auto_total, reason = 1, 1, "本系列第一期"
    elif last.date.year == date.year:
        auto_number, auto_total = last.number + 1, last.total_number + 1
        reason = f"接续总第{last.total_number}期（{last.date.year}年第{last.number}期）"
    else:
        auto_number, auto_total = 1, last.total_number + 1
        reason = f"{date.year}年首期，总期接续总第{last.total_number}期"
        if last.date.year > date.year:
            log.warning("issue dated %s comes after issue 总第%s期 of %s", date, last.total_number, last.date)
    manual = []
    if number is not None and number != auto_number:
        manual.append(f"期号人工设定为第{number}期（自动为第{auto_number}期）")
    if total_number is not None and total_number != auto_total:
        manual.append(f"总期人工设定为总第{total_number}期（自动为总第{auto_total}期）")
    return Numbering(
        number=number if number is not None else auto_number,
        total_number=total_number if total_number is not None else auto_total,
        reason="；".join([reason, *manual]),
    )
