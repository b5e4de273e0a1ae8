"""Enriching a real SQLite store: all or one issue, resumable, near-duplicates across issues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policydigest.enrich.pipeline import Pipeline, build_pipeline
from policydigest.enrich.runner import enrich_store
from policydigest.enrichment import Duplicates
from policydigest.errors import NotFoundError
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import Article, Block, Issue, Provenance
from policydigest.settings import Settings
from policydigest.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "src" / "policydigest" / "data" / "sample").glob("sample-bulletin-*"))
DEDUP = ROOT / "tests" / "fixtures" / "dedup"


def fixture_article(name: str, issue: int) -> Article:
    title, _, body = (DEDUP / name).read_text("utf-8").partition("\n")
    blocks = [Block.paragraph(line) for line in body.splitlines() if line.strip()]
    return Article(
        title=title, blocks=blocks, provenance=[Provenance(kind="bulletin", location=name, issue_total_number=issue)]
    )


def small_issue(total: int, date: dt.date, articles: list[Article]) -> Issue:
    return Issue(series="测试简报", number=total, total_number=total, date=date, articles=articles)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'enrich.db'}")
    for path in SAMPLES:
        store.save_issue(read_bulletin(path))
    return store


def test_every_article_is_enriched_and_stored(store: Store) -> None:
    pipeline = build_pipeline(Settings(), ["topics", "summary"])
    report = enrich_store(store, pipeline)
    assert report.considered == store.count_articles() == report.enriched
    for article, _ in store.articles_for_enrichment():
        assert article.enrichment.summary is not None and article.enrichment.summary.lead
        assert article.enrichment.versions == pipeline.versions()


def test_a_second_run_skips_what_is_up_to_date(store: Store) -> None:
    pipeline = build_pipeline(Settings(), ["topics", "summary", "duplicates"])
    enrich_store(store, pipeline)
    again = enrich_store(store, pipeline)
    assert again.enriched == 0 and again.up_to_date == again.considered
    assert again.duplicates_updated == 0
    assert enrich_store(store, pipeline, force=True).enriched == again.considered


def test_one_issue_can_be_enriched_alone(store: Store) -> None:
    newest = store.list_issues()[0]
    report = enrich_store(store, build_pipeline(Settings(), ["summary"]), issue=newest.total_number)
    assert report.considered == newest.articles
    enriched = [a for a, _ in store.articles_for_enrichment() if a.enrichment.summary is not None]
    assert len(enriched) == newest.articles


def test_unknown_issue_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="总第999期"):
        enrich_store(store, build_pipeline(Settings(), ["summary"]), issue=999)


class Interrupt:
    """Stops the run (like Ctrl-C) at the n-th article."""

    name = "interrupt"
    version = "1"

    def __init__(self, after: int) -> None:
        self.left = after

    def __call__(self, article: Article) -> Article:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        return article


def test_an_interrupted_run_resumes_where_it_stopped(store: Store) -> None:
    summary = build_pipeline(Settings(), ["summary"]).stages[0]
    with pytest.raises(KeyboardInterrupt):
        enrich_store(store, Pipeline([summary, Interrupt(after=5)]), batch=2)
    # Two full batches (4 articles) were written before the interruption.
    done = [a for a, _ in store.articles_for_enrichment() if a.enrichment.summary is not None]
    assert len(done) == 4
    report = enrich_store(store, Pipeline([summary]))
    assert report.up_to_date == 4 and report.enriched == report.considered - 4


def test_near_duplicates_are_grouped_across_issues_earliest_first(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'dups.db'}")
    store.save_issue(small_issue(2, dt.date(2025, 3, 14), [fixture_article("two_sources_b.txt", 2)]))
    store.save_issue(
        small_issue(
            1, dt.date(2025, 3, 12), [fixture_article("two_sources_a.txt", 1), fixture_article("provinces_a.txt", 1)]
        )
    )
    store.save_issue(small_issue(3, dt.date(2025, 4, 3), [fixture_article("provinces_b.txt", 3)]))
    report = enrich_store(store, build_pipeline(Settings(), ["duplicates"]))
    assert report.duplicate_groups == 1
    by_title = {a.title: a.enrichment.duplicates or Duplicates() for a, _ in store.articles_for_enrichment()}
    a_id = next(a.id for a, _ in store.articles_for_enrichment() if a.title.startswith("浙江大数据交易中心"))
    canonical = by_title["浙江大数据交易中心上线首批跨境数据产品"]
    copy = by_title["首批跨境数据产品在浙江大数据交易中心挂牌"]
    assert canonical.canonical and canonical.group == a_id
    assert not copy.canonical and copy.group == a_id and copy.similar[0].jaccard >= 0.5
    assert by_title["河南印发中小企业数字化转型三年行动方案"].group is None
