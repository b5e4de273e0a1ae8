"""Rendering and sending as jobs on a real PostgreSQL: a published issue queues the rendering of its
downloads in the transaction that stores it, a worker renders them where the web app serves them from,
a queued send delivers each message once, and a send that cannot work ends in the dead-letter list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.console import state
from policydigest.delivery.subscribers import add_subscriber
from policydigest.jobs.queue import JobQueue, render_on_publish
from policydigest.jobs.tasks import ENRICH_BATCH
from policydigest.model import Article, Block, Issue
from policydigest.render.published import file_name
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.repository import issue_row
from policydigest.web.library import Library
from tests.conftest import PostgresServer
from tests.delivery_support import ISSUE, delivery_settings, store_with_issue
from tests.smtp_support import smtp_server
from tests.test_jobs_queue import jobs_by_status, work_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
runner = CliRunner()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh PostgreSQL store."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def settings_on(pg_url: str, tmp_path: Path, port: int = 25) -> Settings:
    """Delivery settings on ``pg_url`` (mail through 127.0.0.1:``port``) whose failed jobs retry fast."""
    return delivery_settings(
        tmp_path, port, database_url=pg_url, outputs_path=tmp_path / "outputs", job_retry_wait=1.0, job_max_attempts=2
    )


def test_a_stored_issue_queues_its_rendering_and_a_worker_renders_the_files_the_web_app_serves(
    pg_url: str, tmp_path: Path
) -> None:
    settings = settings_on(pg_url, tmp_path)
    store = open_store(pg_url)
    queue = render_on_publish(store, settings)  # as `publish` and the web app do: the queue is not opened
    assert queue is not None
    issue = Issue.model_validate_json(ISSUE.read_text(encoding="utf-8"))
    with store.session() as session, session.begin():  # rolled back: no issue, so no job either
        session.add(issue_row(issue))
        session.flush()
        session.rollback()
    store.save_issue(issue)
    with queue:
        assert jobs_by_status(queue, "render_issue") == {"todo": 1}
        work_until(queue, lambda: jobs_by_status(queue, "render_issue") == {"succeeded": 1}, timeout=120)
    # The web app's light read of the issue names the same files: it serves them without rendering again.
    light = Library(store).issue(issue.total_number)
    kept = sorted(p.name for p in (tmp_path / "outputs").iterdir())
    assert kept == sorted(file_name(light, fmt) for fmt in ("docx", "pdf"))
    assert (tmp_path / "outputs" / file_name(light, "pdf")).read_bytes().startswith(b"%PDF")


def test_a_queued_send_delivers_each_message_once_and_queueing_it_twice_is_one_job(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as (sink, port):
        settings = settings_on(pg_url, tmp_path, port)
        store, issue = store_with_issue(settings)
        for address in ("a@example.org", "b@example.org"):
            add_subscriber(store, address)
        environment = {"SMTP_PORT": str(port), "SMTP_HOST": "127.0.0.1", "MAIL_FROM": "d@example.org",
                       "PUBLIC_URL": "https://digest.example.org", "DELIVERY_SECRET": "test-secret-x",
                       "INDEX_PATH": str(tmp_path / "index")}  # fmt: skip
        for name, value in environment.items():
            monkeypatch.setenv(f"POLICYDIGEST_{name}", value)
        state.settings = None
        first = runner.invoke(app, ["--db", pg_url, "send", str(issue.total_number), "--enqueue"])
        second = runner.invoke(app, ["--db", pg_url, "send", str(issue.total_number), "--enqueue"])
        assert first.exit_code == 0 and "已排队发送" in first.output
        assert second.exit_code == 0 and "已在发送队列中" in second.output
        unknown = runner.invoke(app, ["--db", pg_url, "send", "999999", "--enqueue"])
        assert unknown.exit_code == 1
        with JobQueue(settings) as queue:
            assert jobs_by_status(queue, "send_issue") == {"todo": 1}
            work_until(queue, lambda: jobs_by_status(queue, "send_issue") == {"succeeded": 1})
            queue.defer("send_issue", total_number=issue.total_number)  # sent already: nothing goes out twice
            work_until(queue, lambda: jobs_by_status(queue, "send_issue") == {"succeeded": 2})
    assert sorted(m["To"] for m in sink.messages) == ["a@example.org", "b@example.org"]


def test_queueing_a_send_on_sqlite_says_the_queue_needs_postgresql(tmp_path: Path) -> None:
    state.settings = None
    result = runner.invoke(app, ["--db", str(tmp_path / "store.db"), "send", "1", "--enqueue"])
    assert result.exit_code == 1 and "PostgreSQL" in result.output


def test_a_send_that_cannot_work_is_dead_lettered_with_its_error(pg_url: str, tmp_path: Path) -> None:
    settings = settings_on(pg_url, tmp_path).model_copy(update={"smtp_host": None})
    store, issue = store_with_issue(settings)
    add_subscriber(store, "a@example.org")
    with JobQueue(settings) as queue:
        queue.defer("send_issue", total_number=issue.total_number)
        work_until(queue, lambda: jobs_by_status(queue, "send_issue") == {"failed": 1})
        (dead,) = queue.dead_letter(store)
    assert dead.task == "send_issue" and "smtp_host" in dead.error


def test_a_bulk_insert_queues_its_enrichment_in_jobs_of_a_batch_each(pg_url: str, tmp_path: Path) -> None:
    settings = settings_on(pg_url, tmp_path).model_copy(update={"enrich_stages": ["topics"]})
    store = open_store(pg_url)
    count = ENRICH_BATCH + 3
    with JobQueue(settings) as queue:
        queue.attach(store)
        with store.session() as session, session.begin():
            for n in range(count):
                store.upsert_article(session, Article(title=f"数据要素第{n}条", blocks=[Block.paragraph("正文")]))
        jobs = queue.app.job_manager.list_jobs(task="enrich_articles")
        assert sorted(len(job.task_kwargs["article_ids"]) for job in jobs) == [3, ENRICH_BATCH]
        work_until(queue, lambda: jobs_by_status(queue, "enrich_articles") == {"succeeded": 2})
    assert all(s.article.enrichment.topics is not None for s in store.stored_articles(range(1, count + 1)))
