"""Precision and recall of policy intelligence on its two annotated sets, against pinned scores.

The sets and the matching rule are described in bench/intel_quality.py. Pins:
``tests/quality/intel_scores.json``; a score below its pin fails. Rewrite the pins with
``python -m bench intel_quality`` figures, never the rules after seeing the held-out result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.facts_quality import gold_articles
from bench.intel_quality import (
    HELD_OUT,
    SCORES,
    TUNING,
    TUNING_WRITTEN,
    held_out_scores,
    tuning_scores,
)
from bench.quality import drops

PINS = json.loads(SCORES.read_text(encoding="utf-8"))


def test_intelligence_keeps_its_precision_and_recall_on_the_tuning_set(shared_dir: Path) -> None:
    dropped = drops(tuning_scores(shared_dir / "bulletins"), PINS["tuning"])
    assert not dropped, "; ".join(dropped)


def test_intelligence_keeps_its_precision_and_recall_on_the_held_out_set() -> None:
    dropped = drops(held_out_scores(), PINS["held_out"])
    assert not dropped, "; ".join(dropped)


def test_the_held_out_set_annotates_issuers_targets_and_follow_ups_named_in_its_text() -> None:
    articles = gold_articles(HELD_OUT)
    _assert_named_in_text(articles)
    assert len(articles) >= 30
    assert sum(len(e["gold"]["targets"]) for e in articles) >= 40
    assert sum(len(e["gold"]["issuers"]) for e in articles) >= 25
    assert sum(len(e["gold"]["follow_ups"]) for e in articles) >= 20


def test_the_written_tuning_articles_annotate_what_their_text_names() -> None:
    articles = gold_articles(TUNING_WRITTEN)
    _assert_named_in_text(articles)
    assert sum(1 for e in articles if e["gold"]["follow_ups"]) >= 4


def _assert_named_in_text(articles: list[dict[str, Any]]) -> None:
    texts = "".join(e["title"] + e["body"] for e in articles)
    for entry in articles:
        gold = entry["gold"]
        assert gold["announces"] is None or f"《{gold['announces']}》" in entry["title"] + "\n" + entry["body"]
        for link in gold["follow_ups"]:
            assert link["relation"] in {"implements", "according_to", "detailed_rules", "continues_programme", "cites"}
            assert f"《{link['parent']}》" in texts


def test_the_tuning_set_annotates_issuers_of_the_three_bulletins() -> None:
    gold = gold_articles(TUNING)
    assert len({entry["file"] for entry in gold}) == 3
    assert sum(1 for entry in gold if entry["issuers"]) >= 10
