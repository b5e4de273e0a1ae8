"""Extraction speed: pages per second on the shared pages, policydigest against trafilatura alone.

Fetch-free: each page's bytes are read once, then every extractor runs on the same bytes in the same
process, several rounds, alternating, so machine noise hits both alike. The aim (issue 6): no worse
than 1.5 times trafilatura's time. Run: ``python -m bench extract``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

ROUNDS = 3
TARGET_RATIO = 1.5
SMOKE_PAGES = 4


def _inputs(limit: int | None = None) -> list[bytes]:
    from bench.extract_quality import pages_dir

    pages = pages_dir()
    return [p.read_bytes() for p in sorted(pages.glob("*.html"))[:limit]] if pages else []


def _policydigest() -> Callable[[bytes], object]:
    from policydigest.ingest.extract import extract_page

    return extract_page


def _trafilatura(*, with_metadata: bool) -> Callable[[bytes], object]:
    import trafilatura

    def run(data: bytes) -> object:
        return trafilatura.bare_extraction(data, with_metadata=with_metadata)

    return run


def timings(inputs: list[bytes], rounds: int = ROUNDS) -> dict[str, float]:
    """Best-of-``rounds`` seconds for all ``inputs``, per extractor (rounds alternate between extractors)."""
    runners = {
        "trafilatura": _trafilatura(with_metadata=False),
        "trafilatura+metadata": _trafilatura(with_metadata=True),
        "policydigest": _policydigest(),
    }
    for run in runners.values():  # warm-up: imports, regex compilation, caches
        run(inputs[0])
    best = {name: float("inf") for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            for data in inputs:
                run(data)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(smoke: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    inputs = _inputs(SMOKE_PAGES if smoke else None)
    rounds = 1 if smoke else ROUNDS
    count = len(inputs)
    if not count:
        print("../shared/pages not found; nothing to time")
        return
    best = timings(inputs, rounds)
    base = best["trafilatura"]
    table = Table(
        "extractor",
        f"seconds (best of {rounds})",
        "pages/s",
        "time / trafilatura",
        title=f"fetch-free extraction of {count} shared pages",
    )
    for name, seconds in best.items():
        table.add_row(name, f"{seconds:.2f}", f"{count / seconds:.1f}", f"{seconds / base:.2f}x")
    Console().print(table)
    ratio = best["policydigest"] / base
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"policydigest takes {ratio:.2f}x trafilatura's time: {verdict} the {TARGET_RATIO}x aim")
