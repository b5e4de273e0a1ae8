"""Extraction of web pages: share of pages with the right title, date, body start and end, clean body ….

- tuning: the 52 shared pages (../shared/pages) against tests/quality/pages_expected.json, with the
  scorer of bench/extract_quality.py (policydigest's row);
- held_out: not measured yet; the held-out pages set replaces this (``measure`` returns both parts,
  and ``./run quality --update`` pins a set only once it has both).
"""

from __future__ import annotations

from pathlib import Path

from bench.extract_quality import all_scores
from bench.quality import QUALITY, Parts

PIN = QUALITY / "pages_scores.json"


def measure(shared: Path) -> Parts:
    """policydigest's extraction scores on the tuning pages; the held-out part is empty until it is written."""
    return {"tuning": all_scores(shared / "pages")["policydigest"], "held_out": {}}
