"""Trends of policy intelligence, as data and as SVG charts drawn on the server (altair + vl-convert, no CDN).

Each chart comes with the rows it was drawn from, so that pages can show them as a table for screen
readers, and the same SVG can go into the bulletin's PDF or an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policydigest.store.intel_schema import IntelDocumentRow, IntelTargetRow

#: Level names as readers see them.
LEVELS_ZH = {"national": "国家", "provincial": "省级", "city": "市级", "foreign": "国外", None: "未知"}


@dataclass(frozen=True)
class Trend:
    """One chart: its title, the rows behind it (label, series, count) and the SVG drawing."""

    title: str
    x_title: str
    rows: list[tuple[str, str, int]]
    svg: str


def _svg(rows: list[tuple[str, str, int]], x_title: str, series_title: str) -> str:
    values: list[dict[str, Any]] = [{"x": x, "series": s, "n": n} for x, s, n in rows]
    chart = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar()
        .encode(
            x=alt.X("x:N", title=x_title, sort=None),
            y=alt.Y("n:Q", title="数量"),
            color=alt.Color("series:N", title=series_title),
        )
        .properties(width=480, height=220)
    )
    svg: str = vl_convert.vegalite_to_svg(chart.to_json())
    return svg


def documents_by_month(session: Session) -> Trend:
    """Documents by the month they were first seen, by level.

    >>> from policydigest.store import open_store
    >>> documents_by_month(open_store("sqlite://").session()).rows
    []
    """
    month = func.substr(func.cast(IntelDocumentRow.first_seen, IntelDocumentRow.name.type), 1, 7)
    query = (
        select(month, IntelDocumentRow.level, func.count())
        .where(IntelDocumentRow.first_seen.is_not(None))
        .group_by(month, IntelDocumentRow.level)
        .order_by(month)
    )
    rows = [(str(m), LEVELS_ZH.get(level, level), int(n)) for m, level, n in session.execute(query)]
    return Trend("各月首次出现的政策文件（按级别）", "月份", rows, _svg(rows, "月份", "级别") if rows else "")


def targets_by_year(session: Session, *, top: int = 8) -> Trend:
    """Targets by deadline year, for the regions that set most of them.

    >>> from policydigest.store import open_store
    >>> targets_by_year(open_store("sqlite://").session()).rows
    []
    """
    regions = [
        r
        for (r,) in session.execute(
            select(IntelTargetRow.region)
            .where(IntelTargetRow.region.is_not(None))
            .group_by(IntelTargetRow.region)
            .order_by(func.count().desc())
            .limit(top)
        )
    ]
    query = (
        select(IntelTargetRow.year, IntelTargetRow.region, func.count())
        .where(IntelTargetRow.year.is_not(None), IntelTargetRow.region.in_(regions))
        .group_by(IntelTargetRow.year, IntelTargetRow.region)
        .order_by(IntelTargetRow.year, IntelTargetRow.region)
    )
    rows = [(f"{year}年", str(region), int(n)) for year, region, n in session.execute(query)]
    return Trend(
        "各年到期的量化目标（目标最多的地区）", "目标年份", rows, _svg(rows, "目标年份", "地区") if rows else ""
    )
