"""Fact extraction: precision and recall per fact kind (documents, authorities, regions, targets, money).

- tuning: the gold set of the shared bulletins (tests/quality/facts_gold.json), with the scorer of
  tests/test_enrich_facts_quality.py;
- held_out: not measured yet; the held-out facts set replaces this (``measure`` returns both parts,
  and ``./run quality --update`` pins a set only once it has both).
"""

from __future__ import annotations

from pathlib import Path

from bench.quality import QUALITY, Parts

PIN = QUALITY / "facts_scores.json"


def measure(shared: Path) -> Parts:
    """Precision and recall of the tuning part; the held-out part is empty until it is written."""
    from tests.test_enrich_facts_quality import _articles, score

    return {"tuning": score(_articles(shared)), "held_out": {}}
