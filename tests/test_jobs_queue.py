"""The job queue on a real PostgreSQL: jobs queued with the change that causes them, retried, dead-lettered,
and a poison page that does not block the queue."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from intel_samples import NATIONAL
from policydigest.errors import ConfigError
from policydigest.ingest import items
from policydigest.intel import intel_behind
from policydigest.intel.queries import find_document
from policydigest.jobs.queue import JobQueue, QueueMode, queue_for, queue_mode
from policydigest.model import Article, Block
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.schema import ArticleRow
from policydigest.store.sources import ItemStatus, NewLink, SourceRepository
from tests.conftest import PostgresServer
from tests.web_server import FixtureServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh PostgreSQL store."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def queue_settings(pg_url: str, tmp_path: Path) -> Settings:
    """Settings for a queue on ``pg_url`` whose failures retry fast, crawling 127.0.0.1 without pacing."""
    return Settings(
        database_url=pg_url,
        index_path=tmp_path / "index",
        fetch_allowed_networks=["127.0.0.0/8"],
        fetch_host_delay=0.0,
        fetch_retries=0,
        fetch_timeout=2.0,
        job_retry_wait=1.0,
        job_max_attempts=3,
        crawl_max_attempts=2,
        enrich_stages=["topics"],
    )


def jobs_by_status(queue: JobQueue, task: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for job in queue.app.job_manager.list_jobs(task=task):
        found[job.status] = found.get(job.status, 0) + 1
    return found


def work_until(queue: JobQueue, done: Any, timeout: float = 60.0) -> None:
    """Run a worker in this process, again and again, until ``done()`` (retries wait in the queue meanwhile)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the queue did not settle in time"
        queue.run_worker(concurrency=2, wait=False)
        time.sleep(0.3)


def test_sqlite_runs_jobs_in_process_and_refuses_a_postgres_queue() -> None:
    assert queue_for(Settings(database_url="sqlite://")) is None
    assert queue_mode(Settings(database_url="postgresql://db/x", job_queue="inline")) is QueueMode.INLINE
    with pytest.raises(ConfigError, match="需要 PostgreSQL 存储"):
        queue_mode(Settings(database_url="sqlite://", job_queue="postgres"))


def test_a_new_article_queues_its_enrichment_in_the_same_transaction(queue_settings: Settings) -> None:
    store = open_store(queue_settings.database_url)
    with JobQueue(queue_settings) as queue:
        queue.attach(store)
        with store.session() as session, session.begin():  # rolled back: no article, so no job either
            store.upsert_article(session, Article(title="未提交的文章", blocks=[Block.paragraph("正文")]))
            session.flush()
            session.rollback()
        assert jobs_by_status(queue, "enrich_articles") == {}
        with store.session() as session, session.begin():
            row = store.upsert_article(session, Article(title="数据要素市场建设", blocks=[Block.paragraph("正文")]))
        assert [job.task_kwargs for job in queue.app.job_manager.list_jobs(task="enrich_articles")] == [
            {"article_ids": [row.id]}
        ]
        work_until(queue, lambda: jobs_by_status(queue, "enrich_articles") == {"succeeded": 1})
    (stored,) = store.stored_articles([row.id])
    assert stored.article.enrichment.topics is not None


def test_an_enrichment_job_builds_the_intelligence_of_its_articles_before_it_ends(queue_settings: Settings) -> None:
    settings = queue_settings.model_copy(update={"enrich_stages": ["facts"]})
    store = open_store(settings.database_url)  # the writer of the article builds nothing: it has no facts yet
    title, *paragraphs = NATIONAL
    article = Article(title=title, blocks=[Block.paragraph(p) for p in paragraphs], published=dt.date(2025, 3, 1))
    with JobQueue(settings) as queue:
        queue.attach(store)
        with store.session() as session, session.begin():
            store.upsert_article(session, article)
        work_until(queue, lambda: jobs_by_status(queue, "enrich_articles") == {"succeeded": 1})
    assert not intel_behind(store)
    with store.session() as session:
        assert find_document(session, "算力强基").issuers == ["国家数据局"]


def test_a_job_that_fails_for_good_is_dead_lettered_with_its_error(queue_settings: Settings) -> None:
    with JobQueue(queue_settings) as queue:
        queue.defer("crawl_source", name="没有这个来源")
        work_until(queue, lambda: jobs_by_status(queue, "crawl_source") == {"failed": 1})
        (dead,) = queue.dead_letter(open_store(queue_settings.database_url))
    assert dead.task == "crawl_source" and dead.args == {"name": "没有这个来源"}
    assert "没有名为" in dead.error and dead.attempts == 1


def test_a_poison_page_is_retried_then_dead_lettered_while_the_other_pages_are_stored(
    queue_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = items.article_from_page

    def crashing(result: Any, **kwargs: Any) -> Article | None:
        if "/generated/art/13.html" in result.final_url:
            raise RecursionError("the extractor crashed on this page")
        return real(result, **kwargs)

    monkeypatch.setattr(items, "article_from_page", crashing)
    server = FixtureServer().start()
    store = open_store(queue_settings.database_url)
    try:
        with JobQueue(queue_settings) as queue:
            queue.attach(store)
            links = [server.url(f"/generated/art/{i}.html") for i in range(10, 16)]
            SourceRepository(store).enqueue(None, [NewLink(url, url) for url in links])
            assert jobs_by_status(queue, "fetch_item") == {"todo": 6}
            work_until(queue, lambda: jobs_by_status(queue, "fetch_item") == {"succeeded": 5, "failed": 1})
            (dead,) = queue.dead_letter(store)
    finally:
        server.stop()
    assert "extractor crashed" in dead.error and dead.attempts == 2
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 5
    assert SourceRepository(store).item(dead.args["item_id"])[1] is ItemStatus.FAILED  # type: ignore[index]
