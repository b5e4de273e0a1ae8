"""PDF render speed: seconds for a ~30-page issue, against Typst setting the same pages as plain text.

The issue is built from the project's own sample bulletins (their articles repeated under new
titles and links until the PDF has about 30 pages). Every timed run changes every paragraph (a
run number in front), so Typst's memoisation cannot reuse an earlier layout: each run is a new
layout, as for a new issue. The baseline is Typst compiling the same paragraphs as plain pages
(no cover, contents, tables, QR codes, links or running heads), in the same process, with its
compiler also kept between runs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path

import pypdfium2 as pdfium
import typst
from rich.console import Console
from rich.table import Table

from bench.timing import median
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS, Article, Issue
from policydigest.render.pdf import issue_document, qr_svg, render_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "policydigest" / "data" / "sample"
TARGET_PAGES = 30
RUNS = 7

BASELINE = """
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: (x: 2.5cm, top: 2.7cm, bottom: 2.4cm))
#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh")
#set par(justify: true, leading: 0.75em, spacing: 1.1em, first-line-indent: (amount: 2em, all: true))
#for a in data.articles [
  #a.title
  #for p in a.paragraphs [#par(p)]
]
"""


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def synthetic_issue(copies: int) -> Issue:
    """The sample issue 第8期 with the articles of both samples repeated ``copies`` times."""
    base = read_bulletin(SAMPLES / "sample-bulletin-no8.txt")
    pool = base.articles + read_bulletin(SAMPLES / "sample-bulletin-no9.md").articles
    articles: list[Article] = []
    for n in range(copies):
        for i, article in enumerate(pool):
            url = f"https://example.gov.cn/bench/{n}/{i}/index.html"
            title = article.title if n == 0 else f"{article.title}（{n + 1}）"
            articles.append(article.model_copy(update={"title": title, "url": article.url and url}))
    return base.model_copy(update={"articles": articles, "toc": []})


def variant(issue: Issue, run: int) -> Issue:
    """``issue`` with the run number in front of every paragraph, so no layout can be reused."""
    articles = [
        a.model_copy(update={"blocks": [b.model_copy(update={"text": f"{run} {b.text}"}) for b in a.blocks]})
        for a in issue.articles
    ]
    return issue.model_copy(update={"articles": articles, "total_number": run})


def sized_issue(target: int = TARGET_PAGES) -> tuple[Issue, int]:
    """The smallest synthetic issue of at least ``target`` pages, and its page count."""
    copies = 1
    while True:
        issue = synthetic_issue(copies)
        pages = page_count(render_pdf(issue, columns=DEFAULT_COLUMNS))
        if pages >= target or copies > 20:
            return issue, pages
        copies += 1


def time_runs(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (all threads) per call; CPU time shows cost on a busy machine."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return median(wall), median(cpu)


def main(smoke: bool = False) -> None:
    repeats = 1 if smoke else RUNS
    start = time.perf_counter()
    render_pdf(synthetic_issue(1), columns=DEFAULT_COLUMNS)
    first = time.perf_counter() - start  # includes the font scan and template parse, once per process

    issue, pages = sized_issue(1 if smoke else TARGET_PAGES)
    numbers = count(1000)

    # The QR cache is emptied before each run: a new issue brings new links.
    def render_once() -> bytes:
        qr_svg.cache_clear()
        return render_pdf(variant(issue, next(numbers)), columns=DEFAULT_COLUMNS)

    def prepare_once() -> str:
        qr_svg.cache_clear()
        return json.dumps(issue_document(issue, DEFAULT_COLUMNS), ensure_ascii=False)

    render, render_cpu = time_runs(render_once, repeats)
    prepare, prepare_cpu = time_runs(prepare_once, repeats)

    paragraphs = [{"title": a.title, "paragraphs": [b.text for b in a.blocks if b.text]} for a in issue.articles]
    compiler = typst.Compiler()
    # Pad the plain document with more of the same text until it has as many pages.
    plain_copies = 1
    while True:
        data = json.dumps({"articles": paragraphs * plain_copies}, ensure_ascii=False)
        plain_pdf = compiler.compile(BASELINE.encode(), format="pdf", sys_inputs={"data": data})
        assert isinstance(plain_pdf, bytes)
        plain_pages = page_count(plain_pdf)
        if plain_pages >= pages or plain_copies > 10:
            break
        plain_copies += 1
    runs = count(1000)

    def plain_once() -> object:
        run = next(runs)
        articles = [
            {"title": a["title"], "paragraphs": [f"{run} {p}" for p in a["paragraphs"]]}
            for a in paragraphs * plain_copies
        ]
        inputs = {"data": json.dumps({"articles": articles}, ensure_ascii=False)}
        return compiler.compile(BASELINE.encode(), format="pdf", sys_inputs=inputs)

    baseline, baseline_cpu = time_runs(plain_once, repeats)

    table = Table("case", "pages", "median s", "CPU s", "pages / s", "vs baseline")
    table.add_row(
        "baseline: Typst, plain pages",
        str(plain_pages),
        f"{baseline:.3f}",
        f"{baseline_cpu:.3f}",
        f"{plain_pages / baseline:.0f}",
        "1.0×",
    )
    table.add_row(
        "render_pdf: bulletin, QR codes, tables",
        str(pages),
        f"{render:.3f}",
        f"{render_cpu:.3f}",
        f"{pages / render:.0f}",
        f"{render / baseline:.1f}×",
    )
    table.add_row("  of which issue → JSON + QR codes", "", f"{prepare:.3f}", f"{prepare_cpu:.3f}", "", "")
    table.add_row("first render in a process (font scan)", "", f"{first:.3f}", "", "", "")
    console = Console(width=120)
    console.print(table)
    console.print(
        f"{len(issue.articles)} articles, {sum(1 for a in issue.articles if a.url)} QR codes; median of {repeats}"
        f" runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; aim: ≤ 1 s for 30 pages"
    )


if __name__ == "__main__":
    main()
