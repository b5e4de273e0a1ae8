"""Column accuracy on the shared bulletins, judged leave-one-issue-out, against its pin.

Each shared issue is judged by a model fitted (from the domain priors) only on the other shared
issues: nothing is learnt from the issue being judged. The truth is the column the editors gave
each article (the table of contents, or the column of its position for articles it leaves out).
Pins: ``tests/quality/column_scores.json``; the test fails when accuracy drops below its pin.
The project's own sample bulletins are judged too, by a model fitted on the shared issues, and by
the shipped weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydigest.enrich.column import ROLES, ColumnModel, Feature
from policydigest.enrich.column_fit import fit, leave_one_issue_out
from policydigest.enrich.pipeline import ColumnStage
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS
from policydigest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PINS = json.loads((ROOT / "tests" / "quality" / "column_scores.json").read_text("utf-8"))
SAMPLES = sorted((ROOT / "src" / "policydigest" / "data" / "sample").glob("sample-bulletin-*"))
Rows = dict[int, list[tuple[str, list[Feature], str]]]


@pytest.fixture(scope="module")
def stage() -> ColumnStage:
    return ColumnStage(Settings(home_region="贵州", columns=list(DEFAULT_COLUMNS), column_model_file=None), None)


def judged_rows(stage: ColumnStage, paths: list[Path]) -> Rows:
    rows: Rows = {}
    for path in paths:
        issue = read_bulletin(path)
        for article in issue.articles:
            role = ROLES[stage.columns.index(article.column or "")]
            rows.setdefault(issue.total_number, []).append((article.title, stage.features_of(article), role))
    return rows


@pytest.fixture(scope="module")
def shared_rows(stage: ColumnStage, shared_dir: Path) -> Rows:
    return judged_rows(stage, sorted((shared_dir / "bulletins").glob("*.txt")))


@pytest.mark.slow
def test_column_accuracy_leave_one_issue_out_holds_its_pin(shared_rows: Rows) -> None:
    pin = PINS["shared_leave_one_issue_out"]
    judged = leave_one_issue_out(shared_rows, l2=PINS["l2"])
    assert len(judged) == pin["articles"]
    accuracy = sum(j.right for j in judged) / len(judged)
    misses = [f"总第{j.issue}期 {j.title}: {j.truth} → {j.predicted}" for j in judged if not j.right]
    assert accuracy >= pin["accuracy"] - 1e-9, misses
    assert accuracy >= 0.95, misses


@pytest.mark.slow
def test_sample_bulletins_are_classified_by_what_the_shared_issues_taught(
    stage: ColumnStage, shared_rows: Rows
) -> None:
    model = fit([(fired, role) for rows in shared_rows.values() for _, fired, role in rows], l2=PINS["l2"])
    rows = [row for rows in judged_rows(stage, SAMPLES).values() for row in rows]
    right = sum(model.predict(fired, stage.columns).role == role for _, fired, role in rows)
    assert right / len(rows) >= PINS["sample_fitted_on_shared"]["accuracy"] - 1e-9


def test_shipped_weights_classify_the_sample_bulletins(stage: ColumnStage) -> None:
    model = ColumnModel.load(None)
    assert model.trained_on != "domain priors"
    rows = [row for rows in judged_rows(stage, SAMPLES).values() for row in rows]
    right = sum(model.predict(fired, stage.columns).role == role for _, fired, role in rows)
    assert right / len(rows) >= PINS["sample_shipped_weights"]["accuracy"] - 1e-9
