"""The job queue of the store's own PostgreSQL (procrastinate), or none: work runs in-process on SQLite.

Jobs are queued in the same transaction as the change that causes them (``defer(..., session=…)``,
and the store's outbox for new rows), retried with a doubling wait on temporary errors, and
dead-lettered with their error on permanent ones. A worker that dies leaves its jobs "doing";
every live worker looks for jobs of workers silent longer than ``job_stalled_seconds`` and takes
them over.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import procrastinate
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from policydigest.errors import ConfigError
from policydigest.metrics import QUEUE_DEPTH
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.db import create_store_engine, libpq_url
from policydigest.store.source_schema import JobErrorRow

log = logging.getLogger(__name__)


class QueueMode(StrEnum):
    """Where jobs run."""

    INLINE = "inline"  # in the process that causes them (SQLite, or job_queue = "inline")
    POSTGRES = "postgres"  # queued in PostgreSQL for `policydigest worker` processes


def queue_mode(settings: Settings) -> QueueMode:
    """The mode these settings switch on (``job_queue = "auto"`` follows the store).

    >>> queue_mode(Settings(database_url="sqlite:///x.db")), queue_mode(Settings(database_url="postgresql://h/d"))
    (<QueueMode.INLINE: 'inline'>, <QueueMode.POSTGRES: 'postgres'>)
    """
    on_postgres = make_url(settings.database_url).get_backend_name() == "postgresql"
    if settings.job_queue == "postgres" and not on_postgres:
        raise ConfigError("job_queue = 'postgres' 需要 PostgreSQL 存储（database_url）；SQLite 在本进程内运行任务")
    if settings.job_queue == "inline" or not on_postgres:
        return QueueMode.INLINE
    return QueueMode.POSTGRES


@dataclass(frozen=True)
class QueueCount:
    """Jobs of one queue by state."""

    queue: str
    todo: int
    doing: int
    succeeded: int
    failed: int


@dataclass(frozen=True)
class DeadJob:
    """A job that failed for good: what it was, how often it was tried, and its last error."""

    id: int
    task: str
    args: dict[str, Any]
    attempts: int
    error: str
    failed_at: dt.datetime | None


class JobQueue:
    """procrastinate's queue on the store's PostgreSQL, with the project's tasks registered.

    >>> JobQueue(Settings(database_url="postgresql://db/policydigest")).task_names()[:2]
    ['crawl_source', 'enrich_articles']
    """

    def __init__(self, settings: Settings) -> None:
        if queue_mode(settings) is not QueueMode.POSTGRES:
            raise ConfigError("任务队列需要 PostgreSQL 存储；在 SQLite 上每个命令自己运行它的任务")
        self.settings = settings
        #: The app that defers and inspects jobs (synchronously); workers run a second one of their own.
        self.app = self._new_app()
        self._opened = False

    def _new_app(self) -> procrastinate.App:
        from policydigest.jobs.tasks import register

        connector = procrastinate.PsycopgConnector(conninfo=libpq_url(self.settings.database_url))
        app = procrastinate.App(connector=connector)
        register(app, self.settings, self)
        return app

    def task_names(self) -> list[str]:
        """The project's tasks (procrastinate's own built-ins left out)."""
        return sorted(name.rsplit(".", 1)[-1] for name in self.app.tasks if not name.startswith("procrastinate."))

    def open(self) -> JobQueue:
        """Open the queue's connection pool for deferring and inspecting jobs (workers open their own)."""
        if not self._opened:
            create_store_engine(self.settings.database_url).dispose()  # the queue's tables come with the store's schema
            self.app.open()
            self._opened = True
        return self

    def close(self) -> None:
        """Close the pool."""
        if self._opened:
            self.app.close()
            self._opened = False

    def __enter__(self) -> JobQueue:
        return self.open()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def defer(self, task: str, *, session: Session | None = None, lock: str | None = None, **args: Any) -> int | None:
        """Queue ``task(**args)``; inside ``session``'s transaction when given. None when ``lock`` is queued already.

        ``lock`` is a queueing lock: while a job with it waits, the same job is not queued twice.
        """
        options: dict[str, Any] = {"queueing_lock": lock} if lock else {}
        if session is not None:
            # The psycopg connection under the session's transaction: the job commits with the change.
            options["connection"] = session.connection().connection.driver_connection
            if lock:
                nested = session.begin_nested()  # a duplicate lock must not abort the caller's transaction
                try:
                    job_id = self.app.configure_task(task, **options).defer(**args)
                except procrastinate.exceptions.AlreadyEnqueued:
                    nested.rollback()
                    return None
                nested.commit()
                return job_id
        try:
            return self.app.configure_task(task, **options).defer(**args)
        except procrastinate.exceptions.AlreadyEnqueued:
            return None

    def attach(self, store: Store, *, published_only: bool = False) -> None:
        """Queue the follow-up work of new rows in the same transaction: a new link is fetched, a new article
        enriched, a newly published issue rendered (``published_only``: that last one alone)."""
        from policydigest.jobs.tasks import follow_new_rows, follow_published_issues

        follow_published_issues(self, store)
        if not published_only:
            follow_new_rows(self, store)

    def counts(self) -> list[QueueCount]:
        """Jobs per queue and state (also published as the queue-depth metric)."""
        found = []
        for row in self.app.job_manager.list_queues():
            count = QueueCount(
                queue=row["name"],
                todo=row["todo"],
                doing=row["doing"],
                succeeded=row["succeeded"],
                failed=row["failed"],
            )
            QUEUE_DEPTH.labels(queue=count.queue).set(count.todo)
            found.append(count)
        return found

    def dead_letter(self, store: Store, *, limit: int = 50) -> list[DeadJob]:
        """Jobs that failed for good, newest first, each with the error the project recorded for it."""
        failed = sorted(self.app.job_manager.list_jobs(status="failed"), key=lambda job: job.id or 0, reverse=True)
        failed = failed[:limit]
        with store.session() as session:
            ids = [job.id for job in failed if job.id is not None]
            query = select(JobErrorRow).where(JobErrorRow.job_id.in_(ids))
            errors = {row.job_id: row for row in session.scalars(query)}
        dead = []
        for job in failed:
            error = errors.get(job.id or 0)
            dead.append(
                DeadJob(
                    id=job.id or 0,
                    task=job.task_name.rsplit(".", 1)[-1],
                    args=dict(job.task_kwargs),
                    attempts=job.attempts,
                    error=error.error if error is not None else "",
                    failed_at=error.failed_at if error is not None else None,
                )
            )
        return dead

    async def recover_stalled(self, app: procrastinate.App) -> int:
        """Put the jobs of workers silent for ``job_stalled_seconds`` back in the queue (through the open ``app``)."""
        manager = app.job_manager
        stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=self.settings.job_stalled_seconds)
        recovered = 0
        for job in stalled:
            if job.id is not None:
                await manager.retry_job_by_id_async(job.id, retry_at=dt.datetime.now(dt.UTC))
                recovered += 1
                log.warning("job %s (%s) of a silent worker is queued again", job.id, job.task_name)
        return recovered

    def run_worker(self, *, concurrency: int, queues: Sequence[str] | None = None, wait: bool = True) -> None:
        """Run a worker until SIGINT/SIGTERM (or, with ``wait=False``, until the queue is empty)."""
        from policydigest.jobs.tasks import warm_up

        self.open()  # the jobs' own follow-up jobs are deferred through this app
        warm_up(self.settings, self, queues)  # dictionaries and models load now, not in the first job
        asyncio.run(self._work(self._new_app(), concurrency=concurrency, queues=queues, wait=wait))

    async def _work(
        self, app: procrastinate.App, *, concurrency: int, queues: Sequence[str] | None, wait: bool
    ) -> None:
        async with app.open_async():
            watcher = asyncio.create_task(self._watch_stalled(app)) if wait else None
            options: dict[str, Any] = {"queues": list(queues)} if queues else {}
            try:
                await app.run_worker_async(
                    concurrency=concurrency,
                    wait=wait,
                    **options,
                    update_heartbeat_interval=max(1.0, self.settings.job_stalled_seconds / 3),
                    stalled_worker_timeout=self.settings.job_stalled_seconds,
                    install_signal_handlers=True,
                )
            finally:
                if watcher is not None:
                    watcher.cancel()

    async def _watch_stalled(self, app: procrastinate.App) -> None:
        while True:
            try:
                await self.recover_stalled(app)
            except procrastinate.exceptions.ConnectorException:
                log.exception("looking for stalled jobs failed; trying again later")
            await asyncio.sleep(max(1.0, self.settings.job_stalled_seconds / 2))


def render_on_publish(store: Store, settings: Settings) -> JobQueue | None:
    """On PostgreSQL, an issue published through ``store`` queues the rendering of its downloads in the
    same transaction (the queue is returned); None on SQLite, where the web app renders on first download.

    >>> from policydigest.store import open_store
    >>> render_on_publish(open_store("sqlite://"), Settings(database_url="sqlite://")) is None
    True
    """
    queue = queue_for(settings)
    if queue is not None:
        queue.attach(store, published_only=True)
    return queue


def queue_for(settings: Settings) -> JobQueue | None:
    """The job queue these settings switch on, or None (logged) when jobs run in-process.

    >>> queue_for(Settings(database_url="sqlite://")) is None
    True
    """
    mode = queue_mode(settings)
    if mode is QueueMode.INLINE:
        log.info("job queue: off (%s store or job_queue = 'inline'); work runs in-process", settings.database_url[:6])
        return None
    log.info("job queue: PostgreSQL (procrastinate)")
    return JobQueue(settings)
