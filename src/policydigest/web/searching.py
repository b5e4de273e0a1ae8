"""The web app's one adapter to the search stage: URL parameters → a search, and links that change them.

Every page, API call and feed that searches takes the same GET parameters, so any search (or any
facet the reader clicked) is a shareable URL and a subscribable feed:
``q`` (the query text), one parameter per facet of ``search.facets.FACETS`` (``column``, ``region`` …,
each repeatable: any of the values), ``since``, ``until`` (YYYY-MM-DD), ``sort`` and ``expand``
(``expand=0``: exactly the words typed, no query understanding).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import Query as Param
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, StringConstraints

from policydigest.errors import SearchIndexError
from policydigest.metrics import SEARCH_SECONDS
from policydigest.search import IndexSync, Query, SearchHit, SearchResult, SortOrder
from policydigest.search.facets import FACETS, Facet, with_facet_parameters
from policydigest.search.query import MAX_TEXT

log = logging.getLogger(__name__)

MAX_VALUES = 20

Value = Annotated[str, StringConstraints(max_length=100)]
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD is a day (pydantic alone would also read numbers as Unix times).

    >>> _iso_day("2025-03-01")
    '2025-03-01'
    """
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("日期应写作 YYYY-MM-DD")
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
    expand: bool = True

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
        for facet in FACETS:
            items.extend((facet.param, value) for value in self.values(facet.name))
        if self.since:
            items.append(("since", self.since.isoformat()))
        if self.until:
            items.append(("until", self.until.isoformat()))
        if self.sort is not SortOrder.RELEVANCE:
            items.append(("sort", self.sort.value))
        if not self.expand:
            items.append(("expand", "0"))
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
        for facet in FACETS:
            if self.values(facet.name):
                parts.append(f"{facet.label}：{'、'.join(self.values(facet.name))}")
        if self.since or self.until:
            parts.append(f"日期：{self.since or '…'}至{self.until or '…'}")
        return " · ".join(parts) or "全部文章"

    def query(self, *, limit: int, offset: int = 0, facets: bool = True, closest: bool = True) -> Query:
        """The search stage's query for one page of this search (``closest``: see ``Query.closest``)."""
        return Query(
            text=self.q,
            filters={name: list(values) for name, values in self.filters.items()},
            since=self.since,
            until=self.until,
            sort=self.sort,
            limit=limit,
            offset=offset,
            facets=facets,
            expand=self.expand,
            closest=closest,
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


Number = Annotated[int, Param(ge=1, le=1_000_000)]


def _filter_parameter(facet: Facet) -> Any:
    about = Param(max_length=MAX_VALUES, description=facet.help)
    return Annotated[list[Number], about] if facet.numeric else Annotated[list[Value], about]


@with_facet_parameters(_filter_parameter, default=[])
def search_params(
    q: Annotated[
        str,
        Param(
            max_length=MAX_TEXT,
            description='Words (all must occur), "phrases", prefix*, -exclusions; a long text is cut (and said so).',
        ),
    ] = "",
    since: Annotated[Day, Param(description="Dated on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[Day, Param(description="Dated on or before this day (YYYY-MM-DD).")] = None,
    sort: Annotated[
        SortOrder, Param(description="relevance (best first) or date (newest first).")
    ] = SortOrder.RELEVANCE,
    expand: Annotated[
        bool,
        Param(
            description="Understand the query (leave out question words, search abbreviations and synonyms, "
            "show the closest articles when none has every word); 0: exactly the words typed."
        ),
    ] = True,
    **filters: list[str] | list[int],
) -> SearchParams:
    """The search named by the request's GET parameters (a FastAPI dependency; one parameter per facet)."""
    if since and until and since > until:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", "since"), "msg": "起始日期晚于截止日期", "input": str(since)}]
        )
    cleaned = {name: _clean([str(v) for v in values]) for name, values in filters.items()}
    return SearchParams(
        q=" ".join(_CONTROL.sub(" ", q).split()),
        filters={k: v for k, v in cleaned.items() if v},
        since=since,
        until=until,
        sort=sort,
        expand=expand,
    )


class Searcher:
    """Runs searches for the web app on the index kept in step with the store."""

    def __init__(
        self, sync: IndexSync, *, published: Callable[[], list[int]] | None = None, follow_every: float = 1.0
    ) -> None:
        self.sync = sync
        #: When set, searches without an issue filter see only articles of these issues (readers' view).
        self.published = published
        self.follow_every = follow_every
        self._followed = -math.inf
        self._follow_lock = threading.Lock()

    def _ready(self) -> Any:
        if self.sync.pending():  # changes an earlier write could not apply yet
            self.sync(frozenset())
        now = time.monotonic()
        # Writes of other processes (workers, the CLI, other nodes) reach this node's index at most this late.
        if now - self._followed >= self.follow_every and self._follow_lock.acquire(blocking=False):
            try:
                self.sync.follow()
                self._followed = now
            finally:
                self._follow_lock.release()
        return self.sync.index

    def search(
        self, params: SearchParams, *, limit: int, offset: int = 0, facets: bool = True, closest: bool = True
    ) -> SearchResult:
        """One page of hits of ``params``, with the total and facet counts. Raises SearchIndexError."""
        query = params.query(limit=limit, offset=offset, facets=facets, closest=closest)
        if self.published is not None and not query.filters.get("issue"):
            published = [str(n) for n in self.published()] or ["0"]  # 0: no issue, so no hit
            query = query.model_copy(update={"filters": {**query.filters, "issue": published}})
        try:
            index = self._ready()
            with SEARCH_SECONDS.time():
                result: SearchResult = index.search(query)
        except (OSError, ValueError) as exc:
            log.exception("search failed for %r", query)
            raise SearchIndexError(f"检索索引无法应答：{exc}") from exc
        return result

    def more_like_this(self, article_id: int, limit: int = 5) -> list[SearchHit]:
        """Articles most like this one; [] when the index cannot tell (logged)."""
        try:
            hits: list[SearchHit] = self._ready().more_like_this(article_id, limit=limit)
            if self.published is not None:
                hits = [hit for hit in hits if hit.issues]
        except (SearchIndexError, OSError, ValueError) as exc:
            log.warning("more like this failed for article #%s: %s", article_id, exc)
            return []
        return hits
