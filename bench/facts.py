"""Fact extraction speed: microseconds per article on the shared bulletins, against bare segmentation.

Every article of the three shared bulletins (title + body, as the pipeline sees it) goes through bare
rjieba segmentation, the whole ``extract_facts`` and each extractor alone, several rounds,
alternating, best round kept, so machine noise hits all alike. The aim (issue 3): well under 1 ms per
article for the facts, so the pipeline can reach 500 articles/s per core. Cold start (import, tables,
first article) is timed in a fresh interpreter. Run: ``python -m bench facts``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.material import shared_folder

ROUNDS = 5
SMOKE_TEXTS = 10
AIM_US = 1000.0
ROOT = Path(__file__).resolve().parents[1]


def _bulletins() -> Path | None:
    return shared_folder("bulletins")


def _texts() -> list[str]:
    from policydigest.ingest.bulletin.parse import parse_bulletin

    folder = _bulletins()
    if folder is None:
        return []
    texts = []
    for path in sorted(folder.glob("*.txt")):
        issue = parse_bulletin(path.read_text(encoding="utf-8"), source=str(path))
        texts.extend(article.title + "\n" + article.body for article in issue.articles)
    return texts


def _runners() -> dict[str, Callable[[str], object]]:
    import rjieba

    from policydigest.enrich.facts import extract_facts
    from policydigest.enrich.facts.dates import extract_dates
    from policydigest.enrich.facts.documents import extract_documents
    from policydigest.enrich.facts.money import extract_money
    from policydigest.enrich.facts.regions import find_regions
    from policydigest.enrich.facts.targets import extract_targets

    return {
        "segmentation (rjieba)": rjieba.cut,
        "extract_facts": extract_facts,
        "  regions": find_regions,
        "  documents": extract_documents,
        "  dates": extract_dates,
        "  money": extract_money,
        "  targets": extract_targets,
    }


def timings(texts: list[str], rounds: int = ROUNDS) -> dict[str, float]:
    """Best-of-``rounds`` microseconds per article, per runner (rounds alternate between runners)."""
    runners = _runners()
    for run in runners.values():  # warm-up: tables, regex compilation, dictionaries
        run(texts[0])
    best = {name: float("inf") for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            for text in texts:
                run(text)
            best[name] = min(best[name], (time.perf_counter() - start) / len(texts) * 1e6)
    return best


def cold_start() -> float:
    """Seconds for a fresh interpreter to import the extractor and answer one article."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from policydigest.enrich.facts import extract_facts\n"
        "extract_facts('贵阳发布措施\\n到2026年，全省算力规模超过30EFLOPS，最高奖励100万元。')\n"
        "print(time.perf_counter() - t)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip())


def main(smoke: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    texts = _texts()[:SMOKE_TEXTS] if smoke else _texts()
    rounds = 1 if smoke else ROUNDS
    if not texts:
        print("../shared/bulletins not found; nothing to time")
        return
    best = timings(texts, rounds)
    base = best["segmentation (rjieba)"]
    size = sum(map(len, texts)) / len(texts)
    table = Table(
        "stage",
        f"µs/article (best of {rounds})",
        "articles/s",
        "time / segmentation",
        title=f"{len(texts)} bulletin articles, {size:.0f} characters on average",
    )
    for name, micros in best.items():
        table.add_row(name, f"{micros:.0f}", f"{1e6 / micros:.0f}", f"{micros / base:.1f}x")
    Console().print(table)
    facts = best["extract_facts"]
    verdict = "within" if facts <= AIM_US else "OVER"
    print(f"extract_facts: {facts:.0f} µs per article, {verdict} the {AIM_US:.0f} µs aim")
    print(f"cold start (import, tables, first article): {cold_start():.2f} s")
