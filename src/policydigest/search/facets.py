"""Filters and facets: which index field each one reads, the filter queries, and the counts.

Each facet has a field of display values (counted, one fast column) and a field of filter keys
(the values plus the short names and surface forms readers type: 贵州 for 贵州省, 工信部 as written).
A filter lists values; an article passes when it has any of them. Facet counts are over the hits
of the whole query, filters included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import tantivy
from pydantic import BaseModel, ConfigDict

from policydigest.search.query import Query


@dataclass(frozen=True)
class Facet:
    """One facet: its name in results, the field counted and the field filtered."""

    name: str
    values_field: str
    keys_field: str
    numeric: bool = False


FACETS: tuple[Facet, ...] = (
    Facet("column", "column", "column"),
    Facet("region", "region", "region_key"),
    Facet("authority", "authority", "authority_key"),
    Facet("kind", "kind", "kind"),
    Facet("topic", "topic", "topic_key"),
    Facet("issue", "issue", "issue", numeric=True),
    Facet("source", "source", "source"),
)
FACET_NAMES = tuple(f.name for f in FACETS)
#: Distinct values counted per facet (the most frequent first).
FACET_SIZE = 30


class FacetCount(BaseModel):
    """One value of a facet and how many hits have it."""

    model_config = ConfigDict(frozen=True)

    value: str
    count: int


def date_number(day: dt.date | None) -> int:
    """A day as the integer yyyymmdd the index sorts and filters by (0: undated).

    >>> date_number(dt.date(2025, 3, 14)), date_number(None)
    (20250314, 0)
    """
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def number_date(value: int | None) -> dt.date | None:
    """The day of a yyyymmdd integer (None for 0).

    >>> number_date(20250314)
    datetime.date(2025, 3, 14)
    """
    if not value:
        return None
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def filter_queries(schema: tantivy.Schema, query: Query) -> list[tantivy.Query]:
    """One query per filter set in ``query`` (an article must pass them all)."""
    tq = tantivy.Query
    wanted: dict[str, list[str] | list[int]] = {
        "column": query.columns,
        "region": query.regions,
        "authority": query.authorities,
        "kind": query.kinds,
        "topic": query.topics,
        "issue": query.issues,
        "source": query.sources,
    }
    found: list[tantivy.Query] = []
    for facet in FACETS:
        values = wanted[facet.name]
        if not values:
            continue
        cleaned = [v for v in values if not isinstance(v, str) or v.strip()]
        keys: list[Any] = [v.strip() if isinstance(v, str) else int(v) for v in cleaned]
        found.append(tq.term_set_query(schema, facet.keys_field, keys) if keys else tq.empty_query())
    if query.since or query.until:
        low = date_number(query.since) if query.since else 1
        high = date_number(query.until) if query.until else None
        found.append(tq.range_query(schema, "date", tantivy.FieldType.Integer, low, high))
    return found


def aggregation_spec() -> dict[str, Any]:
    """The tantivy aggregation request that counts every facet."""
    return {f.name: {"terms": {"field": f.values_field, "size": FACET_SIZE}} for f in FACETS}


def facet_counts(result: dict[str, Any]) -> dict[str, list[FacetCount]]:
    """Facet counts from a tantivy aggregation result, most frequent first.

    >>> facet_counts({"column": {"buckets": [{"key": "地方新政", "doc_count": 3}]}})["column"]
    [FacetCount(value='地方新政', count=3)]
    """
    counts: dict[str, list[FacetCount]] = {}
    for facet in FACETS:
        buckets = (result.get(facet.name) or {}).get("buckets") or []
        values = []
        for bucket in buckets:
            key = bucket.get("key")
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            values.append(FacetCount(value=str(key), count=int(bucket.get("doc_count", 0))))
        counts[facet.name] = sorted(values, key=lambda c: (-c.count, c.value))
    return counts
