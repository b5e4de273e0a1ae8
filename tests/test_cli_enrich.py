"""The `enrich` and `fit-columns` commands on a real SQLite store of the sample bulletins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "policydigest" / "data" / "sample"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["--db", path, "import", "--no-enrich", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return path


def test_enrich_needs_all_or_an_issue(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "enrich"])
    assert result.exit_code == 1 and "--all" in result.stderr


@pytest.mark.slow
def test_enrich_all_then_again_is_resumable(db: str) -> None:
    first = runner.invoke(app, ["--db", db, "enrich", "--all", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["enriched"] == report["considered"] > 0 and report["with_errors"] == 0
    second = json.loads(runner.invoke(app, ["--db", db, "enrich", "--all", "--json"]).stdout)
    assert second["enriched"] == 0 and second["up_to_date"] == report["considered"]
    stored = [a for a, _ in open_store(f"sqlite:///{db}").articles_for_enrichment()]
    columns = {a.title: a.enrichment.column_name for a in stored}
    assert columns["贵州发布首批行业可信数据空间建设试点名单"] == "数谷动态"
    assert all({"facts", "topics", "column", "summary", "duplicates"} <= set(a.enrichment.stored()) for a in stored)


def test_enrich_one_issue_with_chosen_stages(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "enrich", "--issue", "58", "--stage", "summary"])
    assert result.exit_code == 0, result.output
    assert "共 9 篇文章：加工 9 篇" in result.stdout


def test_enrich_unknown_issue_or_stage_is_a_clear_error(db: str) -> None:
    missing = runner.invoke(app, ["--db", db, "enrich", "--issue", "999"])
    assert missing.exit_code == 1 and "总第999期" in missing.stderr
    unknown = runner.invoke(app, ["--db", db, "enrich", "--all", "--stage", "colour"])
    assert unknown.exit_code == 1 and "未知的加工阶段 colour" in unknown.stderr


@pytest.mark.slow
def test_fit_columns_writes_weights_the_settings_can_use(db: str, tmp_path: Path) -> None:
    out = tmp_path / "weights.json"
    result = runner.invoke(app, ["--db", db, "fit-columns", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "留一期法准确率" in result.stdout
    weights = json.loads(out.read_text("utf-8"))
    assert weights["trained_on"] == "23 articles of the issues 总第57/58期"
    assert set(weights["bias"]) == {"national", "local", "frontier", "home"}
