"""Quality of the annotated sets, each in a tuning part and a held-out part: ``python -m bench.quality``.

``./run quality`` prints every score beside its pin; ``./run quality --update`` rewrites the pins with
what was measured. Each set is a module here with ``PIN`` (its pin file) and ``measure(shared) ->
Parts``; ``SETS`` lists them. The format of a pin (``tests/quality/<set>_scores.json``) is::

    {"about": "…", "tuning": {"measure": 0.97, …}, "held_out": {"measure": 0.81, …}}

``tuning`` scores the material the rules were tuned on, ``held_out`` material no rule was tuned on.
Scores are numbers, or dicts of numbers one level down (``{"documents": {"precision": 1.0}}``);
higher is better, and the set's test fails when a score drops below its pin (``drops``). Keys other
than ``tuning`` and ``held_out`` are kept as they are. See tests/quality/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
QUALITY = ROOT / "tests" / "quality"
#: New articles written for the project, labelled with their column: held out by the column and relevance sets.
HELD_OUT_ARTICLES = QUALITY / "held_out" / "articles.json"
SAMPLE_DIR = ROOT / "src" / "policydigest" / "data" / "sample"
PARTS = ("tuning", "held_out")
#: The annotated sets, by name: the module bench.quality.<name> measures each.
SETS = ("relevance", "columns", "facts", "pages")

Scores = dict[str, Any]  # measure -> number, or measure -> {sub-measure -> number}
Parts = dict[str, Scores]  # "tuning" / "held_out" -> scores


def flatten(scores: Scores) -> dict[str, float]:
    """Scores one level deep as ``"measure.sub"`` keys.

    >>> flatten({"mrr": 0.9, "documents": {"precision": 1.0, "recall": 0.5}})
    {'mrr': 0.9, 'documents.precision': 1.0, 'documents.recall': 0.5}
    """
    flat: dict[str, float] = {}
    for key, value in scores.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": float(v) for sub, v in value.items()})
        else:
            flat[key] = float(value)
    return flat


def drops(measured: Scores, pinned: Scores, tolerance: float = 1e-9) -> list[str]:
    """Every pinned score that ``measured`` falls below (or lacks), as readable lines; [] when none.

    >>> drops({"mrr": 0.8, "s3": 1.0}, {"mrr": 0.9, "s3": 1.0})
    ['mrr 0.8000 < pin 0.9000']
    """
    now = flatten(measured)
    return [
        f"{key} {now[key]:.4f} < pin {pin:.4f}" if key in now else f"{key} not measured (pin {pin:.4f})"
        for key, pin in flatten(pinned).items()
        if key not in now or now[key] < pin - tolerance
    ]


def load_pin(path: Path) -> dict[str, Any]:
    """A pin file as a dict."""
    pin: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return pin


def write_pin(path: Path, parts: Parts) -> None:
    """Replace the ``tuning`` and ``held_out`` scores of a pin file, keeping its other keys."""
    pin = load_pin(path) if path.exists() else {}
    pin.update({part: round_scores(parts[part]) for part in PARTS})
    path.write_text(json.dumps(pin, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def round_scores(scores: Scores) -> Scores:
    """Scores rounded to 4 places, as pins keep them (rounded down, so a pin never exceeds its measure).

    >>> round_scores({"mrr": 0.98765, "documents": {"recall": 2 / 3}})
    {'mrr': 0.9876, 'documents': {'recall': 0.6666}}
    """
    return {
        key: round_scores(value) if isinstance(value, dict) else int(value * 10_000) / 10_000
        for key, value in scores.items()
    }
