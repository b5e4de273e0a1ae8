"""Column accuracy, tuning and held-out, against its pins (tests/quality/column_scores.json).

The scorer is bench/quality/columns.py (``./run quality columns`` prints it). Tuning: each shared
issue judged by a model fitted only on the other shared issues, and the sample bulletins. Held-out:
new articles written for the project (tests/quality/held_out/articles.json), labelled with the
column an editor would give, judged by the shipped weights and by a model fitted on the shared issues.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quality import load_pin
from bench.quality.columns import PIN, Accuracy, accuracies, column_stage, held_out_rows
from policydigest.enrich.column import ColumnModel

PINS = load_pin(PIN)


@pytest.fixture(scope="module")
def measured(shared_dir: Path) -> dict[str, dict[str, Accuracy]]:
    return accuracies(shared_dir)


@pytest.mark.slow
@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_column_accuracy_holds_its_pins(measured: dict[str, dict[str, Accuracy]], part: str) -> None:
    assert set(measured[part]) == set(PINS[part])
    for name, pin in PINS[part].items():
        found = measured[part][name]
        assert found.share >= pin - 1e-9, f"{part} {name}: {found.share:.4f} < {pin}; misses: {found.misses}"


@pytest.mark.slow
def test_leave_one_issue_out_judges_every_shared_article_and_stays_above_ninety_five_percent(
    measured: dict[str, dict[str, Accuracy]],
) -> None:
    judged = measured["tuning"]["shared_leave_one_issue_out"]
    assert judged.articles >= 45
    assert judged.share >= 0.95, judged.misses


def test_the_held_out_set_has_at_least_twenty_five_articles_in_every_column() -> None:
    rows = held_out_rows(column_stage())["held-out"]
    assert len(rows) >= 25
    assert {role for _, _, role in rows} == {"national", "local", "frontier", "home"}


def test_shipped_weights_were_fitted_not_the_bare_priors() -> None:
    assert ColumnModel.load(None).trained_on != "domain priors"
