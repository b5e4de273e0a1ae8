"""Fact extraction: precision and recall per fact kind (documents, authorities, regions, targets, money).

The scorer and both gold sets are bench/facts_quality.py's: tuning, the shared bulletins
(tests/quality/facts_gold.json); held_out, articles written for the project (tests/quality/held_out/facts.json).
"""

from __future__ import annotations

from pathlib import Path

from bench.facts_quality import SCORES, facts_quality
from bench.quality import Parts

PIN = SCORES


def measure(shared: Path) -> Parts:
    """Precision and recall of both parts."""
    return {part: scores or {} for part, scores in facts_quality(shared).items()}
