"""Enrichment after ingest: one function, switched by settings, used by bulletin import, add and crawl."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policydigest.enrichment import Enrichment
from policydigest.ingest import enrichment
from policydigest.ingest.add import add_inputs
from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.crawl import crawl_once
from policydigest.ingest.enrichment import enrich_after_ingest
from policydigest.ingest.importer import import_paths
from policydigest.model import Article, Block
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from tests.conftest import FIXTURES, SAMPLE_DIR

#: Cheap stages: enough to see that enrichment ran, without loading the facts dictionaries.
STAGES = ["topics", "summary"]


@pytest.fixture(autouse=True)
def fresh_pipelines() -> Iterator[None]:
    enrichment.reset()
    yield
    enrichment.reset()


def _store_two(store: Store) -> list[int]:
    ids = []
    with store.session() as session, session.begin():
        for title in ("宁夏发放算力券", "贵州推进东数西算"):
            row = store.upsert_article(session, Article(title=title, blocks=[Block.paragraph(f"{title}，推进算力。")]))
            session.flush()
            ids.append(row.id)
    return ids


def _enrichment(store: Store) -> dict[str, Enrichment]:
    return {article.title: article.enrichment for article, _date in store.articles_for_enrichment()}


def _ran(enrichment: Enrichment) -> set[str]:
    """The stages that ran on an article."""
    return set(enrichment.versions)


def test_only_the_articles_named_are_enriched_and_stored(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    first, _second = _store_two(store)
    report = enrich_after_ingest(store, Settings(enrich_stages=STAGES), [first])
    assert report is not None and report.enriched == 1
    found = _enrichment(store)
    assert set(STAGES) <= _ran(found["宁夏发放算力券"]) and _ran(found["贵州推进东数西算"]) == set()


def test_switched_off_by_the_setting_it_does_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ids = _store_two(store)
    with caplog.at_level(logging.INFO, logger="policydigest.ingest.enrichment"):
        assert enrich_after_ingest(store, Settings(enrich_stages=STAGES, enrich_on_import=False), ids) is None
    assert "enrich_on_import" in caplog.text
    assert all(_ran(value) == set() for value in _enrichment(store).values())


def test_a_pipeline_that_cannot_be_built_leaves_the_articles_stored_with_the_reason_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ids = _store_two(store)
    with caplog.at_level(logging.ERROR, logger="policydigest.ingest.enrichment"):
        assert enrich_after_ingest(store, Settings(enrich_stages=["colour"]), ids) is None
    assert "未知的加工阶段 colour" in caplog.text
    assert len(_enrichment(store)) == 2


@pytest.mark.parametrize("on", [True, False])
def test_bulletin_import_enriches_what_it_stored_when_switched_on(tmp_path: Path, on: bool) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    settings = Settings(enrich_stages=STAGES, enrich_on_import=on)
    report = import_paths([SAMPLE_DIR / "sample-bulletin-no8.txt"], store, settings)
    assert (report.enrichment is not None) is on
    enriched = [set(STAGES) <= _ran(value) for value in _enrichment(store).values()]
    assert enriched and all(enriched) is on and any(enriched) is on


@pytest.mark.parametrize("on", [True, False])
def test_adding_a_saved_page_enriches_it_and_the_outcome_shows_it(tmp_path: Path, on: bool) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    [outcome] = add_inputs(
        [str(FIXTURES / "web" / "art" / "2024" / "art_106.html")],
        Settings(enrich_stages=STAGES, enrich_on_import=on),
        store,
    )
    assert outcome.status == "stored" and outcome.article is not None
    [stored] = _enrichment(store).values()
    assert (set(STAGES) <= _ran(stored)) is on
    assert outcome.article.enrichment == stored


@pytest.mark.slow
def test_a_crawl_enriches_every_article_it_stored(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"enrich_stages": STAGES})
    store = open_store(settings.database_url)
    feed = SourceSpec(name="明湖·RSS", kind="feed", url=web.url("/feeds/rss.xml"))
    assert crawl_once(settings, store, catalogue=[feed]).stored == 3
    found = _enrichment(store)
    assert len(found) == 3 and all(set(STAGES) <= _ran(value) for value in found.values())
