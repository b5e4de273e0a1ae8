"""Search relevance: do the articles a reader expects rank in the top 3?

success@3 is the share of queries whose expected titles all rank in the top 3; MRR the mean
reciprocal rank of the first expected title in the top 10. The index is enriched by whichever
enrichment stages can be built.

- tuning: tests/quality/relevance.json, the queries the ranking was tuned on, over the project's
  sample bulletins and the shared bulletins (../shared, read at run time);
- held_out: tests/quality/held_out/relevance.json, queries written as a reader would, before any
  result was seen, mostly about the held-out articles (tests/quality/held_out/articles.json), over
  the same bulletins plus those articles. No rule, dictionary or weight was changed after they were
  scored. (The tuning part keeps its own corpus: the newer held-out articles would otherwise change
  what its date-ordered queries expect.)

Queries with ``requires`` run only when that enrichment stage is available.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from bench.quality import HELD_OUT_ARTICLES, QUALITY, SAMPLE_DIR, Parts
from policydigest.compose.demo import load_articles, store_articles
from policydigest.errors import ConfigError
from policydigest.ingest.importer import import_paths
from policydigest.search import Query, SearchIndex, rebuild_index
from policydigest.settings import Settings
from policydigest.store import Store, open_store

PIN = QUALITY / "relevance_scores.json"
#: Semantic recall (issue 15), measured by the words alone and blended: the hard set's two parts, and the
#: held-out set of queries whose words differ from the text's (over the hard set's corpus).
SEMANTIC_SETS = {
    "tuning": QUALITY / "relevance_hard.json",
    "held_out": QUALITY / "held_out" / "relevance_hard.json",
    "meaning": QUALITY / "held_out" / "relevance_meaning.json",
}
SEMANTIC_PIN = QUALITY / "relevance_semantic_scores.json"
QUERIES = {"tuning": QUALITY / "relevance.json", "held_out": QUALITY / "held_out" / "relevance.json"}
SCORES = ("success_at_3", "mrr")
_NOT_FILTERS = ("text", "expected", "note", "requires")
log = logging.getLogger(__name__)


def enrich(store: Store, settings: Settings) -> set[str]:
    """Run the enrichment stages that can be built here; the names of those that ran."""
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.enrich.runner import enrich_store

    usable = []
    for stage in ("facts", "topics", "column"):
        try:
            build_pipeline(settings, [stage])
            usable.append(stage)
        except (ConfigError, ImportError) as exc:
            log.info("enrichment stage %s not available: %s", stage, exc)
    if usable:
        enrich_store(store, build_pipeline(settings, usable))
    return set(usable)


def build(shared: Path, *, held_out: bool, semantic: bool = False) -> tuple[SearchIndex, set[str]]:
    """The index over the sample and shared bulletins (and the held-out articles); the stages that ran.
    ``semantic``: with semantic recall (needs the semantic extra)."""
    settings = Settings(database_url="sqlite://")
    store = open_store(settings.database_url)
    report = import_paths([SAMPLE_DIR, shared / "bulletins"], store, settings)
    if report.failed:
        raise RuntimeError(f"bulletins failed to import: {report.as_dict()}")
    if held_out:
        store_articles(store, load_articles(HELD_OUT_ARTICLES))
    stages = enrich(store, settings)
    return rebuild_index(store, None, semantic=semantic), stages


def load_queries(part: str) -> list[dict[str, Any]]:
    """The queries of one part (``tuning`` or ``held_out``)."""
    queries: list[dict[str, Any]] = json.loads(QUERIES[part].read_text(encoding="utf-8"))["queries"]
    return queries


def evaluate(index: SearchIndex, stages: set[str], queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Queries run, success@3, MRR, and the queries that missed (with the top 3 they got)."""
    successes, reciprocal, failures, run = 0, 0.0, [], 0
    for item in queries:
        if item.get("requires") and item["requires"] not in stages:
            continue
        run += 1
        filters = {k: v for k, v in item.items() if k not in _NOT_FILTERS}
        for key in ("since", "until"):
            if key in filters:
                filters[key] = dt.date.fromisoformat(filters[key])
        titles = [hit.title for hit in index.search(Query(text=item["text"], limit=10, **filters)).hits]
        expected = item["expected"]
        if all(title in titles[:3] for title in expected):
            successes += 1
        else:
            failures.append({"query": item["text"], "filters": filters, "expected": expected, "got": titles[:3]})
        ranks = [titles.index(title) + 1 for title in expected if title in titles]
        reciprocal += 1 / min(ranks) if ranks else 0.0
    return {
        "queries": run,
        "success_at_3": successes / run if run else 0.0,
        "mrr": reciprocal / run if run else 0.0,
        "failures": failures,
    }


def evaluate_parts(shared: Path) -> dict[str, dict[str, Any]]:
    """Both parts evaluated, each on its own corpus, with their misses."""
    return {part: evaluate(*build(shared, held_out=part == "held_out"), load_queries(part)) for part in QUERIES}


def measure(shared: Path) -> Parts:
    """success@3 and MRR of the tuning and the held-out queries."""
    return {
        part: {score: found[score] for score in SCORES} for part, found in evaluate_parts(shared).items()
    }


def measure_semantic(shared: Path) -> dict[str, dict[str, dict[str, float]]]:
    """success@3 and MRR of each semantic set, by the words alone (``words``) and blended with semantic
    recall (``blended``), on one index (needs the semantic extra)."""
    index, stages = build(shared, held_out=False, semantic=True)
    vectors, found = index.semantic, {}
    for mode in ("words", "blended"):
        index.semantic = vectors if mode == "blended" else None
        for part, path in SEMANTIC_SETS.items():
            scores = evaluate(index, stages, json.loads(path.read_text(encoding="utf-8"))["queries"])
            found.setdefault(part, {})[mode] = {score: scores[score] for score in SCORES}
    index.semantic = vectors
    return found
