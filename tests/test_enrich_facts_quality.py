"""Precision and recall of the fact extractor on its two gold sets, against pinned scores.

The gold sets, the annotation scope and the matching rule are described in bench/facts_quality.py:
the tuning part (facts_gold.json, the shared bulletins' articles the rules were written on) and the
held-out part (held_out/facts.json, articles written for the project that no rule was tuned on).
Pins: ``tests/quality/facts_scores.json`` (``{"tuning": …, "held_out": …}``); a score below its pin
fails. Rewrite the pins with ``python -m bench facts_quality`` figures, never the rules after
seeing the held-out result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.facts_quality import (
    GOLD,
    HELD_OUT,
    KINDS,
    SCORES,
    gold_articles,
    held_out_pairs,
    score,
    tuning_pairs,
)
from bench.quality import drops

PINS = json.loads(SCORES.read_text(encoding="utf-8"))


def test_fact_extraction_keeps_its_precision_and_recall_on_the_tuning_set(shared_dir: Path) -> None:
    pairs = list(tuning_pairs(shared_dir / "bulletins"))
    assert len(pairs) >= 47, f"only {len(pairs)} gold articles were found in the parsed bulletins"
    dropped = drops(score(pairs), PINS["tuning"])
    assert not dropped, "; ".join(dropped)


def test_fact_extraction_keeps_its_precision_and_recall_on_the_held_out_set() -> None:
    dropped = drops(score(held_out_pairs()), PINS["held_out"])
    assert not dropped, "; ".join(dropped)


def test_the_tuning_set_covers_at_least_forty_articles_of_the_three_bulletins() -> None:
    gold = gold_articles(GOLD)
    assert len(gold) >= 40
    assert len({entry["file"] for entry in gold}) == 3
    assert all(set(KINDS) <= set(entry) for entry in gold)


def test_the_held_out_set_has_twenty_five_annotated_articles_whose_documents_are_in_their_text() -> None:
    gold = gold_articles(HELD_OUT)
    assert len(gold) >= 25
    assert len({entry["id"] for entry in gold}) == len(gold)
    for entry in gold:
        text = entry["title"] + "\n" + entry["body"]
        assert set(KINDS) <= set(entry), entry["id"]
        assert all(f"《{document['name']}》" in text for document in entry["documents"]), entry["id"]


@pytest.mark.parametrize("kind", ["authorities", "regions", "targets", "money"])
def test_the_held_out_set_annotates_every_fact_kind_in_several_articles(kind: str) -> None:
    assert sum(1 for entry in gold_articles(HELD_OUT) if entry[kind]) >= 10
