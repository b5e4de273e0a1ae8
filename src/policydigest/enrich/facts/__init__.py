"""Policy facts of an article: documents, authorities, regions, dates, targets and money.

>>> from policydigest.enrich.facts import extract_facts
>>> [r.name for r in extract_facts("贵阳贵安发布措施。观山湖区先行").regions]
['贵阳市', '观山湖区']
"""

from policydigest.enrich.facts.extract import extract_facts
from policydigest.enrich.facts.model import (
    AuthorityFact,
    DateFact,
    DocumentFact,
    Facts,
    FactSpan,
    MoneyFact,
    RegionFact,
    TargetFact,
)

__all__ = [
    "AuthorityFact",
    "DateFact",
    "DocumentFact",
    "FactSpan",
    "Facts",
    "MoneyFact",
    "RegionFact",
    "TargetFact",
    "extract_facts",
]
