"""Topic tagging with the shipped taxonomy and user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydigest.enrich.topics import load_taxonomy
from policydigest.errors import ConfigError

ARTICLES = Path(__file__).parent / "fixtures" / "enrich" / "articles"


def read(name: str) -> tuple[str, str]:
    title, _, body = (ARTICLES / f"{name}.txt").read_text("utf-8").partition("\n")
    return title, body


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ningxia_computing_plan", "computing_power"),
        ("shandong_data_assets", "data_assets"),
        ("national_public_data", "public_data"),
        ("us_ai_bill", "ai"),
        ("eu_data_spaces", "personal_information"),
        ("national_miit_notice", "industrial_digitalisation"),
        ("guiyang_data_exchange", "data_market"),
        ("research_report_models", "ai"),
    ],
)
def test_fixture_articles_get_their_main_topic_first(name: str, expected: str) -> None:
    hits = load_taxonomy().classify(*read(name))
    assert hits and hits[0].id == expected


def test_an_article_can_have_several_topics() -> None:
    ids = [hit.id for hit in load_taxonomy().classify(*read("guiyang_data_exchange"))]
    assert "data_market" in ids and "data_assets" in ids


def test_hits_carry_label_score_and_keywords() -> None:
    hit = load_taxonomy().classify(*read("ningxia_computing_plan"))[0]
    assert hit.label == "算力与全国一体化算力网"
    assert "算力券" in hit.keywords and hit.score > 0
    assert hit.as_label().keywords == list(hit.keywords)


def test_text_without_field_terms_has_no_topics() -> None:
    assert load_taxonomy().classify("春季运动会圆满结束", "同学们积极参加了跑步和跳远比赛。") == []


def test_latin_keywords_do_not_match_inside_longer_words() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.classify("MAIL SYSTEMS", "EMAIL FAIL") == []
    assert [h.id for h in taxonomy.classify("AI与大模型", "")] == ["ai"]


def test_override_file_adds_removes_and_disables(tmp_path: Path) -> None:
    override = tmp_path / "topics.toml"
    override.write_text(
        """
[scoring]
min_score = 1.0

[topics.computing_power]
keywords = { "算力券" = 0, "算力" = 0 }

[topics.data_assets]
enabled = false

[topics.space]
label = "卫星与航天"
keywords = { "卫星" = 3.0, "航天" = 2.0 }
""",
        "utf-8",
    )
    taxonomy = load_taxonomy(override)
    assert "算力券" not in taxonomy.by_id("computing_power").keywords
    assert "data_assets" not in [t.id for t in taxonomy.topics]
    assert [h.id for h in taxonomy.classify("卫星发射", "")] == ["space"]
    assert taxonomy.scoring.min_score == 1.0
    # The shipped taxonomy is unchanged for everyone else.
    assert "算力券" in load_taxonomy().by_id("computing_power").keywords


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[topics.x\n", "不是有效的 TOML"),
        ('[topics.x]\nkeywords = ["a", "b"]\n', "keywords 必须是"),
        ("[scoring]\nunknown = 1\n", "未知的 \\[scoring\\] 键"),
    ],
)
def test_bad_override_files_are_config_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_taxonomy(path)


def test_missing_override_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="topics_file"):
        load_taxonomy(tmp_path / "none.toml")


def test_every_topic_is_documented() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "topics.md").read_text("utf-8")
    missing = [topic.id for topic in load_taxonomy().topics if f"`{topic.id}`" not in doc]
    assert missing == []
