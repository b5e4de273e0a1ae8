"""Column features, the linear model, its reasons, weights files and fitting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policydigest.enrich.column import ROLES, ColumnModel, Feature, check_columns, features, source_of
from policydigest.enrich.column_fit import fit, leave_one_issue_out
from policydigest.errors import ConfigError
from policydigest.model import DEFAULT_COLUMNS
from policydigest.profile import load_profile

COLUMNS = list(DEFAULT_COLUMNS)


def region(name: str, start: int, level: str, province: str | None = None) -> dict[str, Any]:
    return {
        "text": name,
        "start": start,
        "end": start + len(name),
        "name": name,
        "level": level,
        "province": province,
        "code": None,
    }


def authority(name: str, start: int, level: str, region: str | None = None) -> dict[str, Any]:
    return {
        "text": name,
        "start": start,
        "end": start + len(name),
        "name": name,
        "level": level,
        "region": region,
        "joint_count": None,
    }


def classify(
    title: str,
    facts: dict[str, Any],
    *,
    home: str = "贵州",
    source: str | None = None,
    source_facts: dict[str, Any] | None = None,
) -> tuple[str, float, list[str]]:
    fired = features(title, facts, home=home, source=source, source_facts=source_facts)
    result = ColumnModel.prior().predict(fired, COLUMNS)
    return result.column, result.confidence, result.reasons


def test_home_region_in_the_title_goes_to_the_home_column() -> None:
    column, confidence, reasons = classify(
        "贵阳发布数据标注产业十条措施", {"regions": [region("贵阳市", 0, "prefecture", "贵州省")]}
    )
    assert column == "数谷动态" and confidence > 0.5
    assert reasons == ["region 贵阳市 = home region (贵州)", "all places named are in the home region"]


def test_another_home_region_makes_guizhou_local_news() -> None:
    facts = {"regions": [region("贵阳市", 0, "prefecture", "贵州省")]}
    assert classify("贵阳发布措施", facts, home="浙江")[0] == "地方新政"
    hangzhou = {"regions": [region("杭州市", 0, "prefecture", "浙江省")]}
    column, _, reasons = classify("杭州发布措施", hangzhou, home="浙江")
    assert column == "数谷动态" and "region 杭州市 = home region (浙江)" in reasons


def test_national_authority_goes_to_national_policy() -> None:
    facts = {"authorities": [authority("工业和信息化部", 0, "national")]}
    column, _, reasons = classify("工业和信息化部印发《工业互联网行动计划》", facts)
    assert column == "国策要论"
    assert "national authority 工业和信息化部" in reasons


def test_foreign_country_goes_to_industry_frontier() -> None:
    facts = {"regions": [region("美国", 0, "foreign")], "authorities": [authority("美国国防部", 0, "foreign")]}
    column, _, reasons = classify("美国国防部发布人工智能战略", facts)
    assert column == "产业前沿" and "foreign: 美国" in reasons


def test_provincial_authority_and_province_go_to_local_policy() -> None:
    facts = {
        "regions": [region("浙江省", 0, "province", "浙江省")],
        "authorities": [authority("浙江省经济和信息化厅", 20, "provincial", "浙江省")],
    }
    column, _, reasons = classify("浙江印发算力行动计划", facts)
    assert column == "地方新政"
    assert "region 浙江省" in reasons and "local authority 浙江省经济和信息化厅" in reasons


def test_places_in_the_body_only_count_less_than_in_the_title() -> None:
    title = "某研究院发布产业报告"
    facts = {"regions": [region("贵阳市", 500, "prefecture", "贵州省")]}
    fired = {f.name for f in features(title, facts, home="贵州")}
    assert "region_home_share" in fired
    assert not {"region_home_title", "region_home_lead"} & fired


def test_a_home_region_source_is_a_reason() -> None:
    facts = {"regions": [], "authorities": [authority("国家数据局", 30, "national")]}
    source_facts = {"regions": [region("贵州省", 0, "province", "贵州省")]}
    fired = features("领导会见客人一行", facts, home="贵州", source="贵州日报", source_facts=source_facts)
    assert Feature("source_home", 1.0, "source 贵州日报 is from the home region") in fired


def test_no_evidence_still_gives_a_column_with_a_reason() -> None:
    column, confidence, reasons = classify("", {})
    assert column in COLUMNS and 0 < confidence < 0.7
    assert "no province or city in the title or opening" in reasons
    result = ColumnModel.prior().predict([], COLUMNS)
    assert result.reasons == ["nothing specific found: the column most articles like this go to"]


def test_source_line_is_read_from_the_body_when_there_is_no_source_field() -> None:
    assert source_of(None, "正文。\n（来源：贵州日报）") == "贵州日报"
    assert source_of("新华社", "（来源：贵州日报）") == "新华社"
    assert source_of(None, "没有来源。") is None


def test_the_column_stage_needs_four_columns() -> None:
    with pytest.raises(ConfigError, match="4 个栏目"):
        check_columns(["国策要论", "地方新政", "产业前沿"])


def test_weights_round_trip_through_a_file(tmp_path: Path) -> None:
    model = ColumnModel.prior()
    model.weights["cue_industry_title"]["frontier"] = 9.0
    path = tmp_path / "weights.json"
    model.save(path)
    loaded = ColumnModel.load(path)
    assert loaded.weights["cue_industry_title"]["frontier"] == 9.0
    assert loaded.fingerprint() == model.fingerprint() != ColumnModel.prior().fingerprint()


def test_a_weights_file_written_with_the_old_role_name_loads_its_frontier_weights(tmp_path: Path) -> None:
    saved = json.loads(json.dumps({"weights": ColumnModel.prior().weights, "bias": ColumnModel.prior().bias}))
    for row in [*saved["weights"].values(), saved["bias"]]:
        row["industry"] = row.pop("frontier")
    saved["weights"]["cue_industry_title"]["industry"] = 9.0
    path = tmp_path / "old-weights.json"
    path.write_text(json.dumps(saved), "utf-8")
    loaded = ColumnModel.load(path)
    assert loaded.weights["cue_industry_title"]["frontier"] == 9.0
    assert loaded.weights["region_foreign_title"] == ColumnModel.prior().weights["region_foreign_title"]


def test_the_chosen_column_is_the_one_the_default_profile_gives_that_role() -> None:
    profile = load_profile()
    for name in ("region_home_title", "region_local_title", "region_foreign_title", "auth_national_title"):
        decision = ColumnModel.prior().predict([Feature(name, 1.0, name)], profile.column_names)
        assert profile.column_for(decision.role) == decision.column


@pytest.mark.parametrize("content", ["{not json", json.dumps({"weights": []})])
def test_a_broken_weights_file_is_a_config_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "weights.json"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match="栏目模型"):
        ColumnModel.load(path)


def test_missing_weights_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="column_model_file"):
        ColumnModel.load(tmp_path / "none.json")


def test_fitting_learns_what_the_archive_shows() -> None:
    # An archive where industry cues always mean the home column (an odd editor): fitting follows it.
    cue = [Feature("cue_industry_title", 1.0, "industry news: 企业")]
    examples = [(cue, "home")] * 20 + [([], "national")] * 5
    model = fit(examples, l2=0.1)
    assert model.predict(cue, COLUMNS).role == "home"
    assert ColumnModel.prior().predict(cue, COLUMNS).role == "frontier"


def test_leave_one_issue_out_never_sees_the_judged_issue() -> None:
    cue = [Feature("cue_industry_title", 1.0, "")]
    # Issue A says cue → home, issue B says cue → frontier.
    issues = {"A": [("a", cue, "home")] * 10, "B": [("b", cue, "frontier")] * 10}
    judged = leave_one_issue_out(issues, l2=0.1)
    # Each issue is judged by what the other one taught: A as frontier, B as home.
    assert {j.issue: j.predicted for j in judged} == {"A": "frontier", "B": "home"}
    assert all(role in ROLES for role in (j.truth for j in judged))
