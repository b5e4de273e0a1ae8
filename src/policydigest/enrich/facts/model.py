"""The fact models, declared with the rest of the enrichment in :mod:`policydigest.enrichment`."""

from policydigest.enrichment import (
    AuthorityFact,
    AuthorityLevel,
    Comparator,
    DateFact,
    DateRole,
    DocumentFact,
    Facts,
    FactSpan,
    MoneyFact,
    MoneyKind,
    RegionFact,
    RegionLevel,
    TargetFact,
)

__all__ = [
    "AuthorityFact",
    "AuthorityLevel",
    "Comparator",
    "DateFact",
    "DateRole",
    "DocumentFact",
    "FactSpan",
    "Facts",
    "MoneyFact",
    "MoneyKind",
    "RegionFact",
    "RegionLevel",
    "TargetFact",
]
