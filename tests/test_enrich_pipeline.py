"""The pipeline: switchable stages, versions, resumability, failures, batches and bad input."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest

from policydigest.enrich.pipeline import Pipeline, Stage, SummaryStage, TopicsStage, build_pipeline
from policydigest.errors import ConfigError
from policydigest.model import Article, Block
from policydigest.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_article(name: str) -> Article:
    title, _, body = (FIXTURES / "enrich" / "articles" / f"{name}.txt").read_text("utf-8").partition("\n")
    return Article(title=title, blocks=[Block.paragraph(line) for line in body.splitlines() if line])


def test_unknown_stage_names_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"未知的加工阶段.*sumary"):
        build_pipeline(Settings(), ["topics", "sumary"])


def test_enabled_stages_are_logged_at_start(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="policydigest.enrich.pipeline"):
        build_pipeline(Settings(), ["summary", "topics"])
    assert "stages on: topics, summary; off: facts, column, duplicates" in caplog.text


def test_stages_switch_with_the_setting() -> None:
    pipeline = build_pipeline(Settings(enrich_stages=["summary"]))
    enriched = pipeline.enrich(fixture_article("ningxia_computing_plan"))
    assert set(enriched.enrichment.stored()) == {"summary", "versions"}


def test_stage_results_are_typed_with_versions_and_survive_a_json_round_trip() -> None:
    pipeline = build_pipeline(Settings(), ["topics", "summary"])
    enriched = pipeline.enrich(fixture_article("shandong_data_assets"))
    assert enriched.enrichment.topic_labels[0].id == "data_assets"
    assert enriched.enrichment.summary is not None and enriched.enrichment.summary.method == "extractive"
    assert enriched.enrichment.versions == pipeline.versions()
    assert isinstance(pipeline.stages[0], Stage)
    assert Article.model_validate_json(enriched.model_dump_json()) == enriched
    assert Article(title="t", enrichment=enriched.enrichment.stored()).enrichment == enriched.enrichment


def test_current_articles_are_skipped_and_changed_versions_are_redone() -> None:
    pipeline = build_pipeline(Settings(), ["topics", "summary"])
    enriched = pipeline.enrich(fixture_article("us_ai_bill"))
    assert pipeline.is_current(enriched)
    old = enriched.enrichment.model_copy(update={"versions": {"topics": "old", "summary": "1"}})
    stale = enriched.model_copy(update={"enrichment": old})
    assert not pipeline.is_current(stale)
    assert pipeline.enrich(stale).enrichment.versions["topics"] == pipeline.versions()["topics"]


def test_topics_version_follows_the_taxonomy(tmp_path: Path) -> None:
    override = tmp_path / "topics.toml"
    override.write_text('[topics.ai]\nkeywords = { "机器学习" = 2.0 }\n', "utf-8")
    assert TopicsStage(Settings()).version != TopicsStage(Settings(topics_file=override)).version


class Exploding:
    """A stage that fails on articles whose title says so."""

    name = "exploding"
    version = "1"

    def __call__(self, article: Article) -> Article:
        if "坏" in article.title:
            raise ValueError("cannot digest this")
        return article


def test_a_failing_stage_is_recorded_and_the_batch_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = Pipeline([Exploding(), SummaryStage(Settings())])
    articles = [Article(title="坏文章", blocks=[Block.paragraph("内容。")]), fixture_article("us_ai_bill")]
    with caplog.at_level(logging.WARNING):
        bad, good = pipeline.enrich_batch(articles)
    assert bad.enrichment.errors == {"exploding": "ValueError: cannot digest this"}
    assert bad.enrichment.summary is not None  # later stages still ran
    assert "exploding" not in bad.enrichment.versions  # so the next run retries it
    assert not good.enrichment.errors and pipeline.errors == 1
    assert "stage exploding failed" in caplog.text


def test_batch_groups_near_duplicates_with_the_earliest_canonical() -> None:
    pairs = tomllib.loads((FIXTURES / "dedup" / "pairs.toml").read_text("utf-8"))["pair"]
    pair = pairs[1]  # the same article in two issues

    def load(entry: dict[str, str]) -> Article:
        title, _, body = (FIXTURES / "dedup" / entry["file"]).read_text("utf-8").partition("\n")
        return Article(title=title, blocks=[Block.paragraph(body)], published=entry["date"])  # type: ignore[arg-type]

    other = fixture_article("us_ai_bill")
    later, unrelated, earlier = build_pipeline(Settings(), ["duplicates"]).enrich_batch(
        [load(pair["b"]), other, load(pair["a"])]
    )
    found = [a.enrichment.duplicates for a in (later, unrelated, earlier)]
    assert found[0] is not None and found[1] is not None and found[2] is not None
    assert found[0].group == 2 and not found[0].canonical
    assert found[2].canonical and found[2].group == 2
    assert found[2].similar[0].id == 0
    assert found[1].group is None
    assert len(found[1].signature or "") > 100


@pytest.mark.parametrize(
    "article",
    [
        Article(title="", blocks=[]),
        Article(title="，。！", blocks=[Block.paragraph("……——、；：")]),
        Article(
            title="数据要素", blocks=[Block.paragraph("推进数据要素市场化配置改革，建设全国一体化算力网。" * 38_000)]
        ),
        Article(title="EU AI Act 欧盟人工智能法案", blocks=[Block.paragraph("Закон об ИИ — قانون 😀 AI Act。\ud800")]),
    ],
    ids=["empty", "punctuation-only", "one-megabyte", "mixed-scripts"],
)
def test_bad_input_gives_a_clear_result_not_a_crash(article: Article) -> None:
    pipeline = build_pipeline(Settings(), ["topics", "summary", "duplicates"])
    (enriched,) = pipeline.enrich_batch([article])
    assert not enriched.enrichment.errors
    assert enriched.enrichment.topics is not None
    assert enriched.enrichment.summary is not None and len(enriched.enrichment.summary.summary) <= 120
    assert enriched.enrichment.duplicates is not None and enriched.enrichment.duplicates.group is None
