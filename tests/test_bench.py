"""The benchmarks in bench/ can't rot: each one runs at the smoke size, and the runner reports failures."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import pytest

import bench
from bench import SUPPORT
from bench.__main__ import available, main, run_one

BENCH_DIR = Path(bench.__file__).parent


@pytest.mark.parametrize("name", available())
def test_every_benchmark_accepts_the_smoke_size(name: str) -> None:
    parameter = inspect.signature(importlib.import_module(f"bench.{name}").main).parameters.get("smoke")
    assert parameter is not None, f"bench/{name}.py: main() has no smoke parameter"
    assert parameter.default is False, f"bench/{name}.py: main() must run at the default size unless asked"


def test_every_module_in_bench_is_a_benchmark_or_a_declared_support_module() -> None:
    modules = {m.name for m in pkgutil.iter_modules([str(BENCH_DIR)]) if not m.ispkg and not m.name.startswith("_")}
    assert modules == set(available()) | SUPPORT
    assert not [name for name in SUPPORT if hasattr(importlib.import_module(f"bench.{name}"), "main")]


def _fake(main_: object) -> types.ModuleType:
    module = types.ModuleType("bench.fake")
    module.main = main_  # type: ignore[attr-defined]
    return module


def test_a_benchmark_that_raises_or_exits_non_zero_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(smoke: bool = False) -> None:
        raise RuntimeError("broken")

    def exits(smoke: bool = False) -> None:
        raise SystemExit(1)

    for fake in (broken, exits):
        monkeypatch.setattr(importlib, "import_module", lambda name, fake=fake: _fake(fake))
        assert run_one("fake", smoke=True) is False


def test_a_benchmark_that_returns_passes_and_is_told_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[bool] = []
    monkeypatch.setattr(importlib, "import_module", lambda name: _fake(lambda smoke=False: told.append(smoke)))
    assert run_one("fake", smoke=True) is True
    assert told == [True]


def test_an_unknown_benchmark_name_is_refused() -> None:
    assert main(["no_such_benchmark"]) == 2


def test_the_search_benchmark_draws_only_on_the_sample_bulletins() -> None:
    from bench.search import load_corpus

    corpus = load_corpus()
    assert corpus.titles
    assert len(corpus.sentences) > 50
