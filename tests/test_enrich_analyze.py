"""`policydigest analyze`: one raw article through the whole pipeline, readable or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.enrich.analyze import FACT_KINDS, analysis, article_from_text
from policydigest.enrich.pipeline import build_pipeline
from policydigest.errors import EmptyInputError
from policydigest.settings import Settings

ARTICLES = Path(__file__).parent / "fixtures" / "enrich" / "articles"
runner = CliRunner()
KEYS = {"column", "column_confidence", "column_reasons", "topics", "summary", "lead", "facts"}


def analyze_json(*args: str, stdin: str | None = None) -> dict[str, object]:
    result = runner.invoke(app, ["analyze", *args, "--json"], input=stdin)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_has_exactly_the_documented_shape() -> None:
    data = analyze_json(str(ARTICLES / "ningxia_computing_plan.txt"))
    assert set(data) == KEYS
    assert set(data["facts"]) == set(FACT_KINDS)  # type: ignore[arg-type]
    assert data["column"] == "地方新政"
    assert 0 < data["column_confidence"] <= 1  # type: ignore[operator]
    assert any("宁夏" in reason for reason in data["column_reasons"])  # type: ignore[union-attr]
    assert data["topics"][0]["id"] == "computing_power"  # type: ignore[index]
    assert len(data["summary"]) <= 120 and data["lead"]  # type: ignore[arg-type]


def test_every_fact_points_at_its_text() -> None:
    text = (ARTICLES / "ningxia_computing_plan.txt").read_text("utf-8")
    article = article_from_text(text)
    analysed = f"{article.title}\n{article.body}"
    data = analyze_json(str(ARTICLES / "ningxia_computing_plan.txt"))
    facts = data["facts"]
    assert isinstance(facts, dict)
    assert facts["targets"] and facts["money"] and facts["regions"]
    for kind in FACT_KINDS:
        for fact in facts[kind]:
            assert analysed[fact["start"] : fact["end"]] == fact["text"], (kind, fact)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("national_miit_notice", "国策要论"),
        ("national_public_data", "国策要论"),
        ("shandong_data_assets", "地方新政"),
        ("guiyang_data_exchange", "数谷动态"),
        ("us_ai_bill", "产业前沿"),
        ("eu_data_spaces", "产业前沿"),
        ("research_report_models", "产业前沿"),
    ],
)
def test_fixture_articles_land_in_their_columns(name: str, column: str) -> None:
    assert analyze_json(str(ARTICLES / f"{name}.txt"))["column"] == column


def test_standard_input_is_read_with_a_dash() -> None:
    data = analyze_json("-", stdin=(ARTICLES / "us_ai_bill.txt").read_text("utf-8"))
    assert data["column"] == "产业前沿"


def test_home_region_setting_moves_the_home_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYDIGEST_HOME_REGION", "宁夏")
    data = analyze_json(str(ARTICLES / "ningxia_computing_plan.txt"))
    assert data["column"] == "数谷动态"
    assert any("home region (宁夏)" in reason for reason in data["column_reasons"])  # type: ignore[union-attr]


def test_readable_report_names_column_topics_and_facts() -> None:
    result = runner.invoke(app, ["analyze", str(ARTICLES / "shandong_data_assets.txt")])
    assert result.exit_code == 0, result.output
    for expected in ("地方新政", "数据资产入表", "导语", "摘要", "money", "targets"):
        assert expected in result.stdout


def test_gbk_input_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((ARTICLES / "us_ai_bill.txt").read_text("utf-8").encode("gbk"))
    assert analyze_json(str(path))["column"] == "产业前沿"


@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
def test_empty_input_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["analyze", str(path), "--json"])
    assert result.exit_code == 1
    assert "输入是空的" in result.stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "none.txt")])
    assert result.exit_code == 1 and "无法读取" in result.stderr


def test_empty_text_raises_empty_input() -> None:
    with pytest.raises(EmptyInputError):
        article_from_text("\ufeff\n  \n")


@pytest.mark.parametrize(
    "text",
    [
        "，。！？\n……——、；：",
        "EU AI Act 欧盟人工智能法案\nЗакон об ИИ — قانون الذكاء 😀 AI Act。美国与欧盟\ud800",
        "数据要素\n" + "到2026年，全省算力规模超过30EFLOPS，单个项目最高不超过100万元。" * 16_000,
    ],
    ids=["punctuation-only", "mixed-scripts", "one-megabyte"],
)
def test_bad_input_gives_a_clear_result(text: str) -> None:
    article = article_from_text(text)
    result, errors = analysis(article, build_pipeline(Settings(), ["facts", "topics", "column", "summary"]))
    assert errors == {}
    assert set(result) == KEYS and result["column"] in Settings().columns
    assert len(result["summary"]) <= 120
