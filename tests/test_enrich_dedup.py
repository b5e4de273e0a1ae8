"""Near-duplicate grouping on the team's fixture pairs and on awkward input."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from policydigest.enrich.dedup import (
    DuplicateIndex,
    decode_signature,
    encode_signature,
    find_duplicates,
    signature,
)

FIXTURES = Path(__file__).parent / "fixtures" / "dedup"
PAIRS: list[dict[str, Any]] = tomllib.loads((FIXTURES / "pairs.toml").read_text("utf-8"))["pair"]


def text(entry: dict[str, Any]) -> str:
    return (FIXTURES / entry["file"]).read_text("utf-8")


def date(entry: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(entry["date"])


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_fixture_pair_is_judged_right(pair: dict[str, Any]) -> None:
    a, b = pair["a"], pair["b"]
    groups = find_duplicates([(a["file"], text(a), date(a)), (b["file"], text(b), date(b))])
    if pair["verdict"] == "duplicate":
        assert len(groups) == 1
        earlier = min((a, b), key=date)
        assert groups[0].canonical == earlier["file"]
        assert sorted(groups[0].members) == sorted([a["file"], b["file"]])
    else:
        assert groups == []


def test_all_fixtures_together_group_exactly_the_duplicate_pairs() -> None:
    items = {}
    for pair in PAIRS:
        for entry in (pair["a"], pair["b"]):
            items[entry["file"]] = (entry["file"], text(entry), date(entry))
    groups = find_duplicates(items.values())
    found = {frozenset(g.members) for g in groups}
    expected = {frozenset((p["a"]["file"], p["b"]["file"])) for p in PAIRS if p["verdict"] == "duplicate"}
    assert found == expected


def test_canonical_is_the_earliest_even_when_added_last() -> None:
    pair = PAIRS[0]
    body = text(pair["a"])
    groups = find_duplicates(
        [
            ("week3", body, dt.date(2025, 3, 20)),
            ("week2", body, dt.date(2025, 3, 13)),
            ("week1", body, dt.date(2025, 3, 6)),
        ]
    )
    assert groups[0].canonical == "week1"
    assert groups[0].members == ["week1", "week2", "week3"]
    assert groups[0].similarity["week3"] == 1.0


def test_undated_articles_rank_after_dated_ones_then_by_order() -> None:
    body = text(PAIRS[0]["a"])
    groups = find_duplicates([("first", body, None), ("dated", body, dt.date(2025, 1, 1)), ("second", body, None)])
    assert groups[0].members == ["dated", "first", "second"]


@pytest.mark.parametrize("content", ["", "，。！？、……", "数据", "\n\n"])
def test_short_or_empty_texts_are_never_duplicates(content: str) -> None:
    assert signature(content) is None
    assert find_duplicates([(1, content, None), (2, content, None)]) == []


def test_index_add_reports_the_confirmed_matches() -> None:
    index = DuplicateIndex()
    a, b = PAIRS[1]["a"], PAIRS[1]["b"]
    assert index.add("a", signature(text(a)), date(a)) == []
    matches = index.add("b", signature(text(b)), date(b))
    assert [key for key, _ in matches] == ["a"] and matches[0][1] >= 0.9
    assert index.candidates_checked == 1


def test_the_same_key_cannot_be_added_twice() -> None:
    index = DuplicateIndex()
    index.add(1, signature(text(PAIRS[0]["a"])))
    with pytest.raises(ValueError, match="already"):
        index.add(1, signature(text(PAIRS[0]["a"])))


def test_stored_signatures_round_trip_and_are_small() -> None:
    sig = signature(text(PAIRS[0]["a"]))
    assert sig is not None
    stored = encode_signature(sig)
    assert len(stored) <= 700
    assert decode_signature(stored).jaccard(sig) == 1.0


def test_signatures_are_the_same_in_another_process() -> None:
    # Python's hash() is salted per process; stored signatures must not depend on it.
    code = (
        "import sys; from policydigest.enrich.dedup import signature, encode_signature;"
        "print(encode_signature(signature(sys.stdin.read())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    body = text(PAIRS[0]["a"])
    out = subprocess.run([sys.executable, "-c", code], input=body, env=env, capture_output=True, text=True, check=True)
    sig = signature(body)
    assert sig is not None and out.stdout.strip() == encode_signature(sig)


def test_one_megabyte_and_mixed_scripts_get_signatures() -> None:
    big = "推进数据要素市场化配置改革，加快全国一体化算力网建设。" * 40_000
    assert signature(big) is not None
    mixed = "EU AI Act — Закон об ИИ — قانون الذكاء الاصطناعي — 欧盟人工智能法案 😀" * 3
    sig = signature(mixed)
    assert sig is not None and sig.jaccard(signature(mixed)) == 1.0


def test_similarity_between_any_two_members_is_estimated_from_signatures() -> None:
    a, b = PAIRS[0]["a"], PAIRS[0]["b"]
    index = DuplicateIndex()
    index.add("a", signature(text(a)))
    index.add("b", signature(text(b)))
    index.add("short", signature("数据"))
    assert 0.5 <= index.similarity("a", "b") == index.similarity("b", "a") < 1.0
    assert index.similarity("a", "short") == 0.0
