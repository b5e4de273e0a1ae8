"""Policy intelligence over a large store: build time of documents, follow-ups and targets, and p99 of a
``/targets`` query, against a plain SQL count over the same table in the same run.

The corpus repeats the ten first written articles of ``tests/quality/intel_tuning.json`` (written for
the project) with their facts extracted once; each copy gets its own date and a numbered closing line so
that no two articles are the same; they are inserted in bulk (filling is not what is measured).
Run: ``python -m bench intel`` (100,000 articles;
``BENCH_INTEL_SIZE`` overrides) or ``main(smoke=True)`` (1,000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.intel_quality import TUNING_WRITTEN
from bench.timing import percentile, repeat_ms
from policydigest.enrich.facts import extract_facts
from policydigest.enrichment import Enrichment
from policydigest.intel import build_intel
from policydigest.intel.queries import find_document, follow_ups_of, list_targets
from policydigest.model import Article, Block
from policydigest.store import Store, open_store
from policydigest.store.intel_schema import IntelTargetRow
from policydigest.store.repository import article_hash
from policydigest.store.schema import ArticleRow

PER_BATCH = 2000
REGIONS = ("四川", "湖北", "宁夏", "广东", "浙江")


def _templates() -> list[Article]:
    articles = []
    for entry in json.loads(TUNING_WRITTEN.read_text(encoding="utf-8"))["articles"][:10]:
        published = dt.date.fromisoformat(entry["published"])
        facts = extract_facts(entry["title"] + "\n" + entry["body"], published=published)
        blocks = [Block.paragraph(p) for p in entry["body"].split("\n")]
        articles.append(
            Article(title=entry["title"], blocks=blocks, published=published, enrichment=Enrichment(facts=facts))
        )
    return articles


def fill(store: Store, size: int) -> None:
    """``size`` articles inserted in bulk: copies of the templates, each dated and numbered apart."""
    templates = _templates()
    for start in range(0, size, PER_BATCH):
        rows = []
        for n in range(start, min(size, start + PER_BATCH)):
            template = templates[n % len(templates)]
            published = (template.published or dt.date(2025, 1, 1)) + dt.timedelta(days=(n // len(templates)) % 400)
            article = template.model_copy(
                update={"blocks": [*template.blocks, Block.paragraph(f"（本文编号 {n}）")], "published": published}
            )
            rows.append(
                {
                    "content_hash": article_hash(article),
                    "title": article.title,
                    "blocks": [b.model_dump(mode="json") for b in article.blocks],
                    "published": published,
                    "enrichment": article.enrichment.stored(),
                }
            )
        with store.session() as session, session.begin():
            session.execute(insert(ArticleRow), rows)


def run(size: int, workdir: Path) -> dict[str, float]:
    """Figures of one run over ``size`` articles in a SQLite store under ``workdir``."""
    store = open_store(f"sqlite:///{workdir / 'intel.db'}")
    started = time.perf_counter()
    fill(store, size)
    filled = time.perf_counter() - started
    started = time.perf_counter()
    report = build_intel(store)
    built = time.perf_counter() - started
    started = time.perf_counter()
    again = build_intel(store)
    unchanged = time.perf_counter() - started
    due = dt.date(2027, 1, 1)
    with store.session() as session:
        regions = iter(REGIONS * 1000)

        def page() -> None:
            list_targets(session, region=next(regions), due_before=due, limit=50)

        def plain_count() -> None:
            session.scalar(
                select(func.count())
                .select_from(IntelTargetRow)
                .where(IntelTargetRow.region.startswith(next(regions)), IntelTargetRow.deadline < due)
            )

        targets_ms = repeat_ms(page, runs=100, warmup=5)
        count_ms = repeat_ms(plain_count, runs=100, warmup=5)
        plan = find_document(session, "数联百业”专项行动方案")
        follow_ms = repeat_ms(lambda: follow_ups_of(session, plan), runs=5, warmup=1)
        links = len(follow_ups_of(session, plan))
    store.engine.dispose()
    return {
        "articles": float(report.articles),
        "targets": float(report.targets),
        "follow_ups": float(report.follow_ups),
        "documents": float(report.documents),
        "fill_s": filled,
        "build_s": built,
        "rebuild_unchanged_s": unchanged,
        "redone_when_unchanged": float(again.rebuilt),
        "targets_query_p99_ms": percentile(targets_ms, 0.99),
        "plain_count_p99_ms": percentile(count_ms, 0.99),
        "follow_ups_p99_ms": percentile(follow_ms, 0.99),
        "follow_up_links_of_the_national_plan": float(links),
    }


def main(smoke: bool = False) -> None:
    size = 1000 if smoke else int(os.environ.get("BENCH_INTEL_SIZE", "100000"))
    with tempfile.TemporaryDirectory() as folder:
        figures = run(size, Path(folder))
    for name, value in figures.items():
        print(f"{name:40} {value:,.2f}")
