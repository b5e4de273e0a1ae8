"""The single hand-over from web ingest to the enrichment pipeline."""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator

import pytest

from policydigest.ingest import enrichment
from policydigest.model import Article, Block
from policydigest.settings import Settings

MODULE = "policydigest.enrich.pipeline"


@pytest.fixture(autouse=True)
def fresh_runner() -> Iterator[None]:
    enrichment._runner.cache_clear()
    yield
    enrichment._runner.cache_clear()


def test_without_a_pipeline_the_article_is_kept_and_the_reason_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, MODULE, None)  # makes the import fail as when the module is absent
    article = Article(title="示例", blocks=[Block.paragraph("正文。")])
    with caplog.at_level(logging.WARNING, logger="policydigest.ingest.enrichment"):
        assert enrichment.enrich(article, Settings()) == article
    assert "enrichment skipped" in caplog.text


def test_pipeline_enrich_article_is_called_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def enrich_article(article: Article, settings: Settings) -> Article:
        seen.append(settings.home_region)
        return article.model_copy(update={"enrichment": {"column": {"name": "数谷动态"}}})

    module = types.ModuleType(MODULE)
    module.enrich_article = enrich_article  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    enriched = enrichment.enrich(Article(title="示例"), Settings(home_region="贵州"))
    assert enriched.enrichment == {"column": {"name": "数谷动态"}}
    assert seen == ["贵州"]
