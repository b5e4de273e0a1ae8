"""Trends of policy intelligence, as data and as charts drawn on the server (altair + vl-convert, no CDN).

Each chart comes with the points it was drawn from — with the articles behind each point — so that
pages can show them as a table for screen readers, and the same chart can go into the bulletin's PDF
(SVG) or an e-mail (PNG: mail clients do not show SVG reliably). With ``vetted``, only articles
readers may see are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import vl_convert
from sqlalchemy import select
from sqlalchemy.orm import Session

from policydigest.enrichment import TIERS
from policydigest.intel.diffusion import Diffusion
from policydigest.intel.queries import list_documents
from policydigest.store.articles import best_topic_sql, date_sql, vetted_sql
from policydigest.store.intel_schema import IntelMentionRow, IntelTargetRow
from policydigest.store.schema import ArticleRow

#: Level names as readers see them.
LEVELS_ZH: dict[str | None, str] = {**{tier: meaning.label for tier, meaning in TIERS.items()}, None: "未知"}
#: Series drawn per chart at most: the largest ones (the rest would be unreadable colours).
TOP_SERIES = 8


@dataclass(frozen=True)
class Point:
    """One bar of a chart: its label on the x axis, its series, its count and the articles counted."""

    x: str
    series: str
    n: int
    article_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Trend:
    """One chart: its name, titles, the points behind it, its Vega-Lite spec and the SVG drawing."""

    name: str
    title: str
    x_title: str
    series_title: str
    points: list[Point]
    spec: str = field(repr=False)
    svg: str = field(repr=False)

    def png(self, scale: float = 2.0) -> bytes:
        """The chart as a PNG (for e-mail), drawn from the same spec."""
        data: bytes = vl_convert.vegalite_to_png(self.spec, scale=scale)
        return data


def _spec(points: list[Point], x_title: str, series_title: str) -> str:
    values: list[dict[str, Any]] = [{"x": p.x, "series": p.series, "n": p.n} for p in points]
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
    spec: str = chart.to_json()
    return spec


def trend(
    name: str, title: str, x_title: str, series_title: str, found: Iterable[tuple[str, str, int]], top: int = TOP_SERIES
) -> Trend:
    """A chart of ``(x, series, article id)`` triples: counted per x and series, the ``top`` largest series.

    >>> t = trend("t", "标题", "月份", "类型", [("2025-01", "方案", 1), ("2025-01", "方案", 2), ("2025-02", "办法", 3)])
    >>> [(p.x, p.series, p.n, p.article_ids) for p in t.points], t.svg.startswith("<svg")
    ([('2025-01', '方案', 2, [1, 2]), ('2025-02', '办法', 1, [3])], True)
    """
    cells: dict[tuple[str, str], list[int]] = {}
    totals: dict[str, int] = {}
    for x, series, article_id in found:
        cells.setdefault((x, series), []).append(article_id)
        totals[series] = totals.get(series, 0) + 1
    kept = set(sorted(totals, key=lambda s: (-totals[s], s))[:top])
    points = [
        Point(x, series, len(ids), sorted(set(ids)))
        for (x, series), ids in sorted(cells.items())
        if series in kept
    ]
    return _drawn(name, title, x_title, series_title, points)


def _drawn(name: str, title: str, x_title: str, series_title: str, points: list[Point]) -> Trend:
    if not points:
        return Trend(name, title, x_title, series_title, [], "", "")
    spec = _spec(points, x_title, series_title)
    return Trend(name, title, x_title, series_title, points, spec, vl_convert.vegalite_to_svg(spec))


def within(chart: Trend, first: str, last: str, title: str | None = None) -> Trend:
    """The chart redrawn with the points whose x lies from ``first`` to ``last`` (e.g. months "2025-01").

    >>> t = trend("t", "标题", "月份", "类型", [("2024-12", "方案", 1), ("2025-02", "办法", 3)])
    >>> [p.x for p in within(t, "2025-01", "2025-12").points]
    ['2025-02']
    """
    points = [p for p in chart.points if first <= p.x <= last]
    return _drawn(chart.name, title or chart.title, chart.x_title, chart.series_title, points)


def documents_by_month(session: Session, *, vetted: bool = False) -> Trend:
    """Documents by the month they were first seen, by level.

    >>> from policydigest.store import open_store
    >>> documents_by_month(open_store("sqlite://").session()).points
    []
    """
    found = (
        (d.first_seen[:7], LEVELS_ZH.get(d.level, d.level or "未知"), d.announcing_article_id or d.article_ids[0])
        for d in list_documents(session, vetted=vetted)
        if d.first_seen and (d.announcing_article_id or d.article_ids)
    )
    return trend("levels", "各月首次出现的政策文件（按级别）", "月份", "级别", found)


def targets_by_year(session: Session, *, vetted: bool = False) -> Trend:
    """Targets by deadline year, for the regions that set most of them.

    >>> from policydigest.store import open_store
    >>> targets_by_year(open_store("sqlite://").session()).points
    []
    """
    query = select(IntelTargetRow.year, IntelTargetRow.region, IntelTargetRow.article_id).where(
        IntelTargetRow.year.is_not(None), IntelTargetRow.region.is_not(None)
    )
    if vetted:
        query = query.where(vetted_sql(IntelTargetRow.article_id))
    found = ((f"{year}年", str(region), article_id) for year, region, article_id in session.execute(query))
    return trend("targets", "各年到期的量化目标（目标最多的地区）", "目标年份", "地区", found)


#: Announced documents by month, per dimension: (name, title, series title, the series of a mention).
_ANNOUNCED: list[tuple[str, str, str, Callable[[IntelMentionRow], str | None]]] = [
    ("regions", "各月发布的政策文件（按地区）", "地区", lambda m: m.region),
    ("issuers", "各月发布的政策文件（按发文机关）", "发文机关", lambda m: m.issuers[0] if m.issuers else None),
    ("kinds", "各月发布的政策文件（按文件类型）", "文件类型", lambda m: m.kind),
]


def announced_by_month(session: Session, *, vetted: bool = False) -> list[Trend]:
    """Documents announced per month, by region, by issuer and by kind (from the articles announcing them).

    >>> from policydigest.store import open_store
    >>> [t.name for t in announced_by_month(open_store("sqlite://").session())]
    ['regions', 'issuers', 'kinds']
    """
    query = select(IntelMentionRow).where(IntelMentionRow.announces.is_(True), IntelMentionRow.date.is_not(None))
    if vetted:
        query = query.where(vetted_sql(IntelMentionRow.article_id))
    mentions = list(session.scalars(query))
    trends = []
    for name, title, series_title, series_of in _ANNOUNCED:
        found = [
            (m.date.strftime("%Y-%m"), series, m.article_id)
            for m in mentions
            if m.date is not None and (series := series_of(m))
        ]
        trends.append(trend(name, title, "月份", series_title, found))
    return trends


def topics_by_month(session: Session, *, vetted: bool = False) -> Trend:
    """Articles per month by their best topic.

    >>> from policydigest.store import open_store
    >>> topics_by_month(open_store("sqlite://").session()).points
    []
    """
    day, topic = date_sql(), best_topic_sql()
    query = select(ArticleRow.id, day, topic).where(day.is_not(None), topic.is_not(None))
    if vetted:
        query = query.where(vetted_sql())
    found = [(str(date)[:7], str(label), article_id) for article_id, date, label in session.execute(query)]
    return trend("topics", "各月文章（按主题）", "月份", "主题", found)


def all_trends(session: Session, *, vetted: bool = False) -> list[Trend]:
    """Every trend chart, in the order pages show them.

    >>> from policydigest.store import open_store
    >>> [t.name for t in all_trends(open_store("sqlite://").session())]
    ['topics', 'regions', 'issuers', 'kinds', 'levels', 'targets']
    """
    return [
        topics_by_month(session, vetted=vetted),
        *announced_by_month(session, vetted=vetted),
        documents_by_month(session, vetted=vetted),
        targets_by_year(session, vetted=vetted),
    ]


def diffusion_chart(found: Diffusion) -> str:
    """A timeline of a national document's follow-ups: days after it to each province's first one (SVG).

    >>> from policydigest.intel.diffusion import ProvinceFollowUp
    >>> one = ProvinceFollowUp(province="云南省", date="2025-03-31", lag_days=30, article_id=2, title="t",
    ...                        region="云南省", follow_ups=1)
    >>> diffusion_chart(Diffusion(document_id=1, first_seen="2025-03-01", followed=[one], pending=[]))[:4]
    '<svg'
    """
    values = [{"province": f.province, "lag": f.lag_days} for f in found.followed if f.lag_days is not None]
    if not values:
        return ""
    chart = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar()
        .encode(
            x=alt.X("lag:Q", title="首次落实距文件首次出现的天数"),
            y=alt.Y("province:N", title="省份", sort=None),
        )
        .properties(width=420, height=max(40, 22 * len(values)))
    )
    svg: str = vl_convert.vegalite_to_svg(chart.to_json())
    return svg
