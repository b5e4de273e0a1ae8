"""The single hand-over from web ingest to the enrichment pipeline."""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator

import pytest

from policydigest.enrichment import ColumnDecision, Enrichment
from policydigest.errors import ConfigError
from policydigest.ingest import enrichment
from policydigest.model import Article, Block
from policydigest.settings import Settings

MODULE = "policydigest.enrich.pipeline"
CHOSEN = ColumnDecision(column="数谷动态", role="home", confidence=0.9)


@pytest.fixture(autouse=True)
def fresh_pipelines() -> Iterator[None]:
    enrichment.reset()
    yield
    enrichment.reset()


def test_without_a_pipeline_the_article_is_kept_and_the_reason_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, MODULE, None)  # makes the import fail as when the module is absent
    article = Article(title="示例", blocks=[Block.paragraph("正文。")])
    with caplog.at_level(logging.WARNING, logger="policydigest.ingest.enrichment"):
        assert enrichment.enrich(article, Settings()) == article
    assert "enrichment skipped" in caplog.text


def test_pipeline_is_built_once_from_the_settings_and_enriches_each_article(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    class Pipeline:
        def enrich(self, article: Article) -> Article:
            return article.model_copy(update={"enrichment": Enrichment(column=CHOSEN)})

    def build_pipeline(settings: Settings) -> Pipeline:
        built.append(settings.home_region)
        return Pipeline()

    module = types.ModuleType(MODULE)
    module.build_pipeline = build_pipeline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    settings = Settings(home_region="贵州")
    first = enrichment.enrich(Article(title="一"), settings)
    second = enrichment.enrich(Article(title="二"), settings)
    assert first.enrichment == second.enrichment == Enrichment(column=CHOSEN)
    assert built == ["贵州"]


def test_pipeline_that_cannot_be_built_leaves_articles_unenriched_with_the_reason_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def build_pipeline(settings: Settings) -> None:
        raise ConfigError("unknown enrichment stage(s) colour")

    module = types.ModuleType(MODULE)
    module.build_pipeline = build_pipeline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    article = Article(title="示例")
    with caplog.at_level(logging.ERROR, logger="policydigest.ingest.enrichment"):
        assert enrichment.enrich(article, Settings()) == article
    assert "unknown enrichment stage(s) colour" in caplog.text
