"""What the desk reads from an article's enrichment, in one place (the enrichment model may change shape).

>>> from policydigest.enrichment import ColumnDecision, Duplicates, Facts, RegionFact, TopicLabel, Topics
>>> city = RegionFact(text="贵阳", start=0, end=2, name="贵阳市", level="prefecture", province="贵州省", code=None)
>>> e = enrichment_view(Enrichment(
...     column=ColumnDecision(column="地方新政", role="local", confidence=0.82),
...     topics=Topics(labels=[TopicLabel(id="compute", label="算力", score=1.0)]),
...     facts=Facts(regions=[city]), duplicates=Duplicates(group=3)))
>>> e.column, e.confidence, e.topics, e.regions, e.group
('地方新政', 0.82, ('算力',), ('贵阳市', '贵州省'), 3)
"""

from __future__ import annotations

from dataclasses import dataclass

from policydigest.enrichment import Enrichment


@dataclass(frozen=True)
class EnrichmentView:
    """Column with confidence, regions, topics, lead and near-duplicate group of one article."""

    column: str | None = None
    confidence: float | None = None
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lead: str = ""
    group: int | None = None  # the id of the group's canonical article


def enrichment_view(enrichment: Enrichment) -> EnrichmentView:
    """The desk's view of an article's enrichment; missing parts stay empty."""
    column, facts = enrichment.column, enrichment.facts
    regions = [v for r in (facts.regions if facts is not None else []) for v in (r.name, r.province) if v]
    return EnrichmentView(
        column=column.column if column is not None else None,
        confidence=column.confidence if column is not None else None,
        regions=tuple(dict.fromkeys(regions)),
        topics=tuple(dict.fromkeys(t.label for t in enrichment.topic_labels)),
        lead=enrichment.lead or "",
        group=enrichment.duplicates.group if enrichment.duplicates is not None else None,
    )
