"""Extraction of web pages: shares of pages with the right title, date, body start and end, clean body ….

The scorer and both page sets are bench/extract_quality.py's: tuning, the 52 shared pages
(tests/quality/pages_expected.json); held_out, pages written for the project
(tests/quality/held_out/pages.json). Pinned is policydigest's row; the pin's ``baselines`` (plain
trafilatura, for the record) are kept as they are by ``--update``.
"""

from __future__ import annotations

from pathlib import Path

from bench.extract_quality import SCORES, extraction_quality
from bench.quality import Parts

PIN = SCORES


def measure(shared: Path) -> Parts:
    """policydigest's extraction scores on both parts."""
    return {part: found["policydigest"] if found else {} for part, found in extraction_quality(shared).items()}
