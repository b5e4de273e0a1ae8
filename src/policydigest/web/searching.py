"""The web app's one adapter to the search stage: URL parameters → a search, and links that change them.

Every page, API call and feed that searches takes the same GET parameters, so any search (or any
facet the reader clicked) is a shareable URL and a subscribable feed:
``q`` (the query text), ``column``, ``region``, ``authority``, ``kind``, ``topic``, ``source``,
``issue`` (each repeatable: any of the values), ``since``, ``until`` (YYYY-MM-DD) and ``sort``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import Query as Param
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, StringConstraints

from policydigest.errors import SearchIndexError
from policydigest.search import IndexSync, Query, SearchHit, SearchResult, SortOrder
from policydigest.search.facets import FACET_NAMES

log = logging.getLogger(__name__)

#: Facet names in the order pages show them, with their Chinese labels.
FACET_LABELS: dict[str, str] = {
    "column": "栏目",
    "region": "地区",
    "authority": "发文机构",
    "topic": "主题",
    "kind": "文件类型",
    "source": "来源",
    "issue": "期号",
}
assert set(FACET_LABELS) == set(FACET_NAMES), "every facet of the index needs a label"
_TEXT_FILTERS = ("column", "region", "authority", "kind", "topic", "source")
MAX_VALUES = 20

Value = Annotated[str, StringConstraints(max_length=100)]
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD is a day (pydantic alone would also read numbers as Unix times).

    >>> _iso_day("2025-03-01")
    '2025-03-01'
    """
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


Day = Annotated[dt.date | None, BeforeValidator(_iso_day)]
Values = Annotated[list[Value], Param(max_length=MAX_VALUES)]


@dataclass(frozen=True)
class SearchParams:
    """A search as its URL says it: text, filters (each any of its values), dates and order.

    >>> p = SearchParams(q="算力", filters={"column": ("地方新政",)})
    >>> p.query_string()
    'q=%E7%AE%97%E5%8A%9B&column=%E5%9C%B0%E6%96%B9%E6%96%B0%E6%94%BF'
    >>> p.toggled("column", "地方新政").query_string() == SearchParams(q="算力").query_string()
    True
    """

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    since: dt.date | None = None
    until: dt.date | None = None
    sort: SortOrder = SortOrder.RELEVANCE

    def values(self, name: str) -> tuple[str, ...]:
        """The values of one filter ('' values left out)."""
        return self.filters.get(name, ())

    def is_selected(self, name: str, value: str) -> bool:
        return value in self.values(name)

    @property
    def is_empty(self) -> bool:
        """Neither text nor any filter."""
        return not (self.q.strip() or any(self.filters.values()) or self.since or self.until)

    def items(self) -> list[tuple[str, str]]:
        """The URL parameters, in a stable order (so equal searches have equal URLs)."""
        items: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name in FACET_LABELS:
            items.extend((name, value) for value in self.values(name))
        if self.since:
            items.append(("since", self.since.isoformat()))
        if self.until:
            items.append(("until", self.until.isoformat()))
        if self.sort is not SortOrder.RELEVANCE:
            items.append(("sort", self.sort.value))
        return items

    def query_string(self, **extra: str | int) -> str:
        """The URL query of this search (plus ``extra`` parameters such as page), as ``urlencode`` writes it."""
        pairs = self.items() + [(k, str(v)) for k, v in extra.items()]
        return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs)

    def toggled(self, name: str, value: str) -> SearchParams:
        """This search with ``value`` of filter ``name`` added, or removed when it was there."""
        now = self.values(name)
        changed = tuple(v for v in now if v != value) if value in now else (*now, value)
        return replace(self, filters={**self.filters, name: changed})

    def without(self, name: str) -> SearchParams:
        """This search without filter ``name`` (``since``/``until`` included)."""
        if name == "since":
            return replace(self, since=None)
        if name == "until":
            return replace(self, until=None)
        return replace(self, filters={k: v for k, v in self.filters.items() if k != name})

    def with_sort(self, sort: SortOrder) -> SearchParams:
        return replace(self, sort=sort)

    def describe(self) -> str:
        """The search in a few Chinese words, for titles of pages and feeds.

        >>> SearchParams(q="算力", filters={"column": ("地方新政",)}).describe()
        '“算力” · 栏目：地方新政'
        """
        q = self.q.strip()
        parts = [q if q[:1] in ('"', "“", "「") else f"“{q}”"] if q else []  # a phrase is quoted already
        for name, label in FACET_LABELS.items():
            if self.values(name):
                parts.append(f"{label}：{'、'.join(self.values(name))}")
        if self.since or self.until:
            parts.append(f"日期：{self.since or '…'}至{self.until or '…'}")
        return " · ".join(parts) or "全部文章"

    def query(self, *, limit: int, offset: int = 0, facets: bool = True) -> Query:
        """The search stage's query for one page of this search."""
        f = self.filters
        return Query(
            text=self.q,
            columns=list(f.get("column", ())),
            regions=list(f.get("region", ())),
            authorities=list(f.get("authority", ())),
            kinds=list(f.get("kind", ())),
            topics=list(f.get("topic", ())),
            sources=list(f.get("source", ())),
            issues=[int(v) for v in f.get("issue", ())],
            since=self.since,
            until=self.until,
            sort=self.sort,
            limit=limit,
            offset=offset,
            facets=facets,
        )


@lru_cache(maxsize=16384)
def _quoted(text: str) -> str:
    # A search page links every facet value: the same few values are quoted again and again.
    return quote_plus(text)


def _clean(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


def search_params(
    q: Annotated[
        str, Param(max_length=200, description='Words (all must occur), "phrases", prefix*, -exclusions.')
    ] = "",
    column: Annotated[Values, Param(description="Column (any of the values given).")] = [],  # noqa: B006
    region: Annotated[Values, Param(description="Region; a province includes its cities (贵州 ⊃ 贵阳).")] = [],  # noqa: B006
    authority: Annotated[Values, Param(description="Issuing authority, full name or as written.")] = [],  # noqa: B006
    kind: Annotated[Values, Param(description="Document kind: 办法, 方案, 通知 …")] = [],  # noqa: B006
    topic: Annotated[Values, Param(description="Topic id or label.")] = [],  # noqa: B006
    source: Annotated[Values, Param(description="Source (来源) as stored.")] = [],  # noqa: B006
    issue: Annotated[
        list[Annotated[int, Param(ge=1, le=1_000_000)]], Param(max_length=MAX_VALUES, description="Issue 总期 number.")
    ] = [],  # noqa: B006
    since: Annotated[Day, Param(description="Dated on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[Day, Param(description="Dated on or before this day (YYYY-MM-DD).")] = None,
    sort: Annotated[
        SortOrder, Param(description="relevance (best first) or date (newest first).")
    ] = SortOrder.RELEVANCE,
) -> SearchParams:
    """The search named by the request's GET parameters (a FastAPI dependency)."""
    if since and until and since > until:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", "since"), "msg": "起始日期晚于截止日期", "input": str(since)}]
        )
    filters: dict[str, tuple[str, ...]] = {
        name: _clean(values)
        for name, values in zip(_TEXT_FILTERS, (column, region, authority, kind, topic, source), strict=True)
    }
    filters["issue"] = tuple(dict.fromkeys(str(n) for n in issue))
    return SearchParams(
        q=" ".join(q.split()), filters={k: v for k, v in filters.items() if v}, since=since, until=until, sort=sort
    )


class Searcher:
    """Runs searches for the web app on the index kept in step with the store."""

    def __init__(self, sync: IndexSync) -> None:
        self.sync = sync

    def _ready(self) -> Any:
        if self.sync.pending():  # changes an earlier write could not apply yet
            self.sync(frozenset())
        return self.sync.index

    def search(self, params: SearchParams, *, limit: int, offset: int = 0, facets: bool = True) -> SearchResult:
        """One page of hits of ``params``, with the total and facet counts. Raises SearchIndexError."""
        query = params.query(limit=limit, offset=offset, facets=facets)
        try:
            result: SearchResult = self._ready().search(query)
        except (OSError, ValueError) as exc:
            log.exception("search failed for %r", query)
            raise SearchIndexError(f"the search index could not answer: {exc}") from exc
        return result

    def more_like_this(self, article_id: int, limit: int = 5) -> list[SearchHit]:
        """Articles most like this one; [] when the index cannot tell (logged)."""
        try:
            hits: list[SearchHit] = self._ready().more_like_this(article_id, limit=limit)
        except (SearchIndexError, OSError, ValueError) as exc:
            log.warning("more like this failed for article #%s: %s", article_id, exc)
            return []
        return hits
