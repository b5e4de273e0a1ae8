"""What the desk reads from an article's enrichment, in one place (the enrichment model may change shape).

>>> e = enrichment_view({"column": {"column": "地方新政", "confidence": 0.82},
...     "topics": {"labels": [{"id": "compute", "label": "算力"}]},
...     "facts": {"regions": [{"name": "贵阳市", "province": "贵州省"}]},
...     "duplicates": {"group": 3, "canonical": False}})
>>> e.column, e.confidence, e.topics, e.regions, e.group
('地方新政', 0.82, ('算力',), ('贵阳市', '贵州省'), 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EnrichmentView:
    """Column with confidence, regions, topics, lead and near-duplicate group of one article."""

    column: str | None = None
    confidence: float | None = None
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lead: str = ""
    group: int | None = None  # the id of the group's canonical article


def _strings(values: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value:
            seen.setdefault(value, None)
    return tuple(seen)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def enrichment_view(enrichment: Mapping[str, Any]) -> EnrichmentView:
    """The desk's view of an article's enrichment; missing parts stay empty."""
    column = _map(enrichment.get("column"))
    topics = enrichment.get("topics")
    labels = _list(_map(topics).get("labels") if isinstance(topics, Mapping) else topics)
    regions = _list(_map(enrichment.get("facts")).get("regions"))
    lead = _map(enrichment.get("summary")).get("lead")
    confidence = column.get("confidence")
    group = _map(enrichment.get("duplicates")).get("group")
    name = column.get("column")
    return EnrichmentView(
        column=name if isinstance(name, str) else None,
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        regions=_strings(v for r in regions if isinstance(r, Mapping) for v in (r.get("name"), r.get("province"))),
        topics=_strings(t.get("label") for t in labels if isinstance(t, Mapping)),
        lead=lead if isinstance(lead, str) else "",
        group=group if isinstance(group, int) and not isinstance(group, bool) else None,
    )
