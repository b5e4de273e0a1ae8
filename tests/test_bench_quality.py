"""bench.quality: one command scores every annotated set, tuning and held-out, and rewrites the pins."""

from __future__ import annotations

import doctest
import importlib
import json
import types
from pathlib import Path

import pytest

import bench.quality
import bench.quality.__main__ as command
from bench.quality import PARTS, SETS, drops, flatten, round_scores, write_pin


def test_the_doctests_of_the_pin_helpers_pass() -> None:
    assert doctest.testmod(bench.quality).failed == 0


@pytest.mark.parametrize("name", SETS)
def test_every_set_names_its_pin_and_can_measure(name: str) -> None:
    module = importlib.import_module(f"bench.quality.{name}")
    assert module.PIN.parent == bench.quality.QUALITY
    assert module.PIN.exists()
    assert callable(module.measure)


def test_a_missing_or_lower_score_is_a_drop_and_an_equal_or_higher_one_is_not() -> None:
    pinned = {"mrr": 0.9, "documents": {"precision": 1.0, "recall": 0.5}}
    assert drops({"mrr": 0.95, "documents": {"precision": 1.0, "recall": 0.5}}, pinned) == []
    assert drops({"mrr": 0.95, "documents": {"precision": 0.99}}, pinned) == [
        "documents.precision 0.9900 < pin 1.0000",
        "documents.recall not measured (pin 0.5000)",
    ]


def test_nested_scores_flatten_to_dotted_names() -> None:
    assert flatten({"a": {"b": 1}, "c": 0.5}) == {"a.b": 1.0, "c": 0.5}


def test_rounded_scores_never_exceed_what_was_measured() -> None:
    measured = {"x": 0.987654, "y": {"z": 2 / 3}}
    rounded = round_scores(measured)
    assert flatten(rounded) == {"x": 0.9876, "y.z": 0.6666}
    assert drops(measured, rounded) == []


def test_writing_a_pin_replaces_both_parts_and_keeps_its_other_keys(tmp_path: Path) -> None:
    pin = tmp_path / "set_scores.json"
    pin.write_text(json.dumps({"about": "kept", "l2": 1.0, "tuning": {"old": 1.0}}), encoding="utf-8")
    write_pin(pin, {"tuning": {"acc": 0.5}, "held_out": {"acc": 0.25}})
    assert json.loads(pin.read_text(encoding="utf-8")) == {
        "about": "kept",
        "l2": 1.0,
        "tuning": {"acc": 0.5},
        "held_out": {"acc": 0.25},
    }


def _fake_set(tmp_path: Path, parts: dict[str, dict[str, float]], pinned: dict[str, object]) -> types.ModuleType:
    module = types.ModuleType("bench.quality.fake")
    module.PIN = tmp_path / "fake_scores.json"  # type: ignore[attr-defined]
    module.PIN.write_text(json.dumps(pinned), encoding="utf-8")  # type: ignore[attr-defined]
    module.measure = lambda shared: parts  # type: ignore[attr-defined]
    return module


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, types.ModuleType]:
    modules: dict[str, types.ModuleType] = {}
    monkeypatch.setattr(command, "SETS", ("fake",))
    monkeypatch.setattr(command.importlib, "import_module", lambda name: modules["fake"])
    monkeypatch.setattr(command, "shared_folder", lambda name: tmp_path / name)
    return modules


def test_the_command_fails_when_a_score_is_below_its_pin(fake: dict[str, types.ModuleType], tmp_path: Path) -> None:
    fake["fake"] = _fake_set(tmp_path, {"tuning": {"a": 0.9}, "held_out": {"a": 0.5}}, {p: {"a": 0.9} for p in PARTS})
    assert command.main([]) == 1
    fake["fake"] = _fake_set(tmp_path, {"tuning": {"a": 0.9}, "held_out": {"a": 0.9}}, {p: {"a": 0.9} for p in PARTS})
    assert command.main([]) == 0


def test_update_pins_what_was_measured(fake: dict[str, types.ModuleType], tmp_path: Path) -> None:
    fake["fake"] = _fake_set(tmp_path, {"tuning": {"a": 0.9}, "held_out": {"a": 0.5}}, {"about": "x"})
    assert command.main(["--update"]) == 0
    assert json.loads((tmp_path / "fake_scores.json").read_text(encoding="utf-8")) == {
        "about": "x",
        "tuning": {"a": 0.9},
        "held_out": {"a": 0.5},
    }


def test_update_leaves_the_pin_of_a_set_without_a_held_out_part_alone(
    fake: dict[str, types.ModuleType], tmp_path: Path
) -> None:
    fake["fake"] = _fake_set(tmp_path, {"tuning": {"a": 0.9}, "held_out": {}}, {"a": 0.8})
    assert command.main(["--update"]) == 0
    assert json.loads((tmp_path / "fake_scores.json").read_text(encoding="utf-8")) == {"a": 0.8}


def test_an_unknown_set_is_refused() -> None:
    assert command.main(["no_such_set"]) == 2
