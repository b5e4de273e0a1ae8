"""Precision and recall of policy intelligence on its two annotated sets, against pinned scores.

The sets and the matching rule are described in bench/intel_quality.py. Pins:
``tests/quality/intel_scores.json``; a score below its pin fails. Rewrite the pins with
``python -m bench intel_quality`` figures, never the rules after seeing the held-out result.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.facts_quality import gold_articles
from bench.intel_quality import HELD_OUT, KINDS, MEASURES, SCORES, TUNING, Scores, held_out_scores, tuning_scores

PINS = json.loads(SCORES.read_text(encoding="utf-8"))


def drops(scores: Scores, pins: Scores) -> list[str]:
    return [
        f"{kind} {measure} {scores[kind][measure]:.4f} < pin {pins[kind][measure]:.4f}"
        for kind in KINDS
        for measure in MEASURES
        if scores[kind][measure] < pins[kind][measure]
    ]


def test_intelligence_keeps_its_precision_and_recall_on_the_tuning_set(shared_dir: Path) -> None:
    dropped = drops(tuning_scores(shared_dir / "bulletins"), PINS["tuning"])
    assert not dropped, "; ".join(dropped)


def test_intelligence_keeps_its_precision_and_recall_on_the_held_out_set() -> None:
    dropped = drops(held_out_scores(), PINS["held_out"])
    assert not dropped, "; ".join(dropped)


def test_the_held_out_set_annotates_issuers_targets_and_follow_ups_named_in_its_text() -> None:
    articles = gold_articles(HELD_OUT)
    assert len(articles) >= 10
    for entry in articles:
        text = entry["title"] + "\n" + entry["body"]
        gold = entry["gold"]
        assert gold["announces"] is None or f"《{gold['announces']}》" in text
        assert all(
            link["relation"] in {"implements", "according_to", "detailed_rules", "continues_programme", "cites"}
            for link in gold["follow_ups"]
        )
    assert sum(1 for e in articles if e["gold"]["follow_ups"]) >= 4
    assert sum(1 for e in articles if e["gold"]["targets"]) >= 6


def test_the_tuning_set_annotates_issuers_of_the_three_bulletins() -> None:
    gold = gold_articles(TUNING)
    assert len({entry["file"] for entry in gold}) == 3
    assert sum(1 for entry in gold if entry["issuers"]) >= 10
