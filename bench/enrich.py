"""Enrichment speed: articles per second for the full pipeline against bare segmentation, and cold start.

Articles are synthetic, ~1.5 KB of UTF-8 each, shuffled from the project's own text (the sample
bulletins and the enrichment test fixtures; never ../shared), with a fixed seed. One process, so the
rates are per core. Cold start is measured in fresh interpreters: from nothing to the first article
enriched, against an interpreter that only starts and one that only loads rjieba.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from policydigest.enrich.pipeline import STAGE_HELP, Pipeline, build_pipeline
from policydigest.enrich.segment import get_segmenter
from policydigest.enrich.summary import sentences
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import Article, Block
from policydigest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "policydigest" / "data" / "sample"
FIXTURES = ROOT / "tests" / "fixtures"
ARTICLE_BYTES = 1500
COUNT = 1000
TARGET_RATE = 500.0  # articles/s per core (issue 3)
TARGET_COLD = 1.0  # seconds


def corpus(count: int = COUNT, size: int = ARTICLE_BYTES, seed: int = 3) -> list[Article]:
    """``count`` synthetic articles of about ``size`` bytes from the project's own text."""
    titles: list[str] = []
    pool: list[str] = []
    for path in sorted(SAMPLES.glob("sample-bulletin-*")):
        for article in read_bulletin(path).articles:
            titles.append(article.title)
            pool.extend(sentences(article.body))
    for path in sorted((FIXTURES / "enrich" / "articles").glob("*.txt")) + sorted((FIXTURES / "dedup").glob("*.txt")):
        title, _, body = path.read_text("utf-8").partition("\n")
        titles.append(title)
        pool.extend(sentences(body))
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        paragraphs: list[str] = []
        used = 0
        while used < size:
            paragraph = "".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
            paragraphs.append(paragraph)
            used += len(paragraph.encode())
        made.append(Article(title=rng.choice(titles), blocks=[Block.paragraph(p) for p in paragraphs]))
    return made


def rate(fn: Callable[[Article], object], articles: list[Article], rounds: int = 3) -> float:
    """Best-of-``rounds`` articles per second (the machine is shared, so the best run is the cleanest)."""
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for article in articles:
            fn(article)
        best = max(best, len(articles) / (time.perf_counter() - start))
    return best


COLD_PIPELINE = """
import time, sys
t = time.perf_counter()
from policydigest.enrich.pipeline import build_pipeline
from policydigest.model import Article, Block
from policydigest.settings import Settings
p = build_pipeline(Settings(), sys.argv[1].split(","))
body = [Block.paragraph("到2027年，全省算力规模超过30EFLOPS。")]
p.enrich(Article(title="工信部印发《工业互联网行动计划》", blocks=body))
print(time.perf_counter() - t)
"""
COLD_RJIEBA = (
    "import time; t = time.perf_counter(); import rjieba; rjieba.Jieba().cut('数据要素');"
    "print(time.perf_counter() - t)"
)


def cold(code: str, *args: str, runs: int = 5) -> tuple[float, float]:
    """Median (in-process seconds, whole-process seconds) over ``runs`` fresh interpreters."""
    inner, outer = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        outer.append(time.perf_counter() - start)
        inner.append(float(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else 0.0)
    return statistics.median(inner), statistics.median(outer)


def main() -> None:
    console = Console()
    settings = Settings()
    articles = corpus()
    sizes = [len(a.title.encode()) + len(a.body.encode()) for a in articles]
    console.print(f"{len(articles)} synthetic articles, median {statistics.median(sizes) / 1024:.2f} KB UTF-8")

    try:
        full = build_pipeline(settings, [s for s in STAGE_HELP if s != "duplicates"])
    except Exception as exc:  # the facts stage may be missing in a partial checkout: measure the rest
        console.print(f"[yellow]full pipeline unavailable ({exc}); measuring without facts and column[/]")
        full = build_pipeline(settings, ["topics", "summary"])
    segmenter = get_segmenter()
    bare = rate(lambda a: segmenter.cut(f"{a.title}\n{a.body}"), articles)
    table = Table("what", "articles/s (1 core)", "ms/article", "vs bare segmentation")
    table.add_row("bare segmentation (rjieba + domain dictionary)", f"{bare:,.0f}", f"{1000 / bare:.3f}", "1.0×")
    for stage in full.stages:
        single = Pipeline([stage])
        r = rate(lambda a, p=single: p.enrich(a, force=True), articles)
        table.add_row(f"  stage {stage.name}", f"{r:,.0f}", f"{1000 / r:.3f}", f"{bare / r:.1f}× slower")
    whole = rate(lambda a: full.enrich(a, force=True), articles)
    table.add_row(
        f"per-article pipeline ({', '.join(full.names)})",
        f"{whole:,.0f}",
        f"{1000 / whole:.3f}",
        f"{bare / whole:.1f}× slower",
    )
    dup = build_pipeline(settings, ["duplicates"]).duplicates
    assert dup is not None
    start = time.perf_counter()
    dup.group([(i, a, None) for i, a in enumerate(articles)])
    grouped = len(articles) / (time.perf_counter() - start)
    table.add_row(
        "near-duplicates (signatures + LSH, corpus step)",
        f"{grouped:,.0f}",
        f"{1000 / grouped:.3f}",
        f"{bare / grouped:.1f}× slower",
    )
    overall = 1 / (1 / whole + 1 / grouped)
    table.add_row(
        "[bold]full pipeline incl. near-duplicates[/]",
        f"[bold]{overall:,.0f}[/]",
        f"{1000 / overall:.3f}",
        f"{bare / overall:.1f}× slower",
    )
    console.print(table)
    verdict = "meets" if overall >= TARGET_RATE else "MISSES"
    console.print(f"target ≥ {TARGET_RATE:.0f} articles/s per core: {verdict} ({overall:,.0f})")

    stages = ",".join(full.names)
    cold_table = Table("cold start (fresh interpreter)", "in-process s", "whole process s")
    start_only = cold("import time; print(0.0)")
    cold_table.add_row("python only", "—", f"{start_only[1]:.2f}")
    rjieba_only = cold(COLD_RJIEBA)
    cold_table.add_row("import rjieba + load its dictionary", f"{rjieba_only[0]:.2f}", f"{rjieba_only[1]:.2f}")
    pipeline_cold = cold(COLD_PIPELINE, stages)
    cold_table.add_row(
        f"build pipeline ({stages}) + enrich one article", f"{pipeline_cold[0]:.2f}", f"{pipeline_cold[1]:.2f}"
    )
    dup_cold = cold(
        "import time; t = time.perf_counter(); import policydigest.enrich.dedup as d; "
        "d.DuplicateIndex(); print(time.perf_counter() - t)"
    )
    cold_table.add_row("near-duplicate index (datasketch, loads scipy)", f"{dup_cold[0]:.2f}", f"{dup_cold[1]:.2f}")
    console.print(cold_table)
    verdict = "meets" if pipeline_cold[0] < TARGET_COLD else "MISSES"
    console.print(
        f"target cold start < {TARGET_COLD:.0f} s (per-article pipeline): {verdict} ({pipeline_cold[0]:.2f} s)"
    )


if __name__ == "__main__":
    main()
