"""The project's jobs, as procrastinate tasks: crawl a source, fetch one item, enrich articles, render a
published issue's outputs and send an issue by e-mail.

Each task does the same work as the in-process path and through the same functions
(``discover``, ``fetch_article``, ``settle_item``, the enrichment pipeline); a job run twice does
its work once, because each checks the store first (an item already settled, an article already
enriched). Follow-up jobs are queued in the transaction that makes them due (``follow_new_rows``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate import JobContext, RetryStrategy
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from policydigest.delivery.publishing import send_issue as send_issue_now
from policydigest.enrich.pipeline import Pipeline, build_pipeline
from policydigest.errors import FetchError, JobError, JobRetryError
from policydigest.ingest.catalogue import SourceSpec, load_catalogue
from policydigest.ingest.crawl import discover
from policydigest.ingest.fetch import Fetcher
from policydigest.ingest.items import fetch_article, settle_item
from policydigest.ingest.polite import SharedHostGate
from policydigest.intel import attach_intel
from policydigest.metrics import JOB_SECONDS, JOBS
from policydigest.profile import profile_for
from policydigest.render.output import render_issue as render_bytes
from policydigest.render.published import PUBLISHED_FORMATS, published_file
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.crawl_state import CrawlState
from policydigest.store.schema import ArticleRow, IssueRow
from policydigest.store.source_schema import JobErrorRow, SeenItemRow
from policydigest.store.sources import ItemStatus, SourceRepository

if TYPE_CHECKING:
    from policydigest.jobs.queue import JobQueue

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What the jobs of one worker process share: the store, one polite fetcher and the pipeline."""

    settings: Settings
    store: Store
    fetcher: Fetcher
    _pipeline: Pipeline | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, settings: Settings, queue: JobQueue | None) -> Runtime:
        store = open_store(settings.database_url)
        attach_intel(store)  # each job that changes articles builds their intelligence before it ends
        if queue is not None:
            queue.attach(store)
        state = CrawlState(store)
        gate = SharedHostGate(
            state,
            delay=settings.fetch_host_delay,
            per_host=settings.fetch_host_concurrency,
            total=settings.fetch_concurrency,
        )
        return cls(settings=settings, store=store, fetcher=Fetcher(settings, gate=gate, shared=state))

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:  # built once per process: dictionaries and models are not cheap to load
            if self._pipeline is None:
                self._pipeline = build_pipeline(self.settings)
            return self._pipeline

    def source(self, name: str) -> SourceSpec:
        """The catalogue entry ``name`` (read again each time: the catalogue may have changed)."""
        for spec in load_catalogue(self.settings.catalogue_file):
            if spec.name == name:
                return spec
        raise JobError(f"信息源目录中没有名为 {name!r} 的来源（设置 catalogue_file）")


_runtimes: dict[str, Runtime] = {}
_runtimes_lock = threading.Lock()


def runtime(settings: Settings, queue: JobQueue | None) -> Runtime:
    """This process's runtime for ``settings`` (built on the first job)."""
    key = settings.model_dump_json()
    with _runtimes_lock:
        if key not in _runtimes:
            _runtimes[key] = Runtime.build(settings, queue)
        return _runtimes[key]


def warm_up(settings: Settings, queue: JobQueue, queues: Sequence[str] | None) -> None:
    """Build this process's runtime (and the pipeline, when it takes enrichment jobs) before the first job."""
    rt = runtime(settings, queue)
    if queues is None or TASKS["enrich_articles"].queue in queues:
        _ = rt.pipeline


# ---- the work of each task ------------------------------------------------------------------------


def crawl_source(rt: Runtime, queue: JobQueue | None, *, name: str) -> None:
    """Read a source's feed or listing; each new link's fetch job is queued with the link itself."""
    spec = rt.source(name)
    repo = SourceRepository(rt.store)
    source_id = repo.ensure_source(spec.name, spec.kind, spec.address, spec.interval_minutes)
    limit = spec.max_items or rt.settings.crawl_max_items
    try:
        links, new = discover(spec, source_id, rt.fetcher, repo, limit)
    except FetchError as exc:
        repo.record_run(source_id, error=str(exc))
        raise JobRetryError(f"{name}：{exc}") from exc
    repo.record_run(source_id, error=None, links=links, new_items=new)
    if queue is not None:
        # Items left pending before the queue existed (or by a crash) get their job too; queued ones are skipped.
        for item in repo.pending(source_id, limit=limit):
            queue.defer("fetch_item", lock=f"item:{item.id}", item_id=item.id)


def fetch_item(rt: Runtime, queue: JobQueue | None, *, item_id: int) -> None:
    """Fetch, extract and store one pending item; a temporary failure is retried, a lasting one dead-letters."""
    repo = SourceRepository(rt.store)
    found = repo.item(item_id)
    if found is None:
        raise JobError(f"存储中没有条目 #{item_id}")
    item, status, source = found
    if status is not ItemStatus.PENDING:
        log.info("item #%d is %s already; nothing to do", item_id, status)
        return
    spec = rt.source(source) if source is not None else None
    fetched = fetch_article(
        rt.fetcher,
        item.url,
        title=item.title,
        publisher=spec.publisher if spec is not None else None,
        read_documents=spec is None or spec.attachments == "read",
    )
    result = settle_item(item, fetched, repo, rt.settings)
    if result.status is ItemStatus.PENDING:
        raise JobRetryError(f"{item.url}：{result.reason}")
    if result.status is ItemStatus.FAILED:
        raise JobError(f"{item.url}：{result.reason}（已达 crawl_max_attempts，放弃）")


def enrich_articles(rt: Runtime, _queue: JobQueue | None, *, article_ids: list[int]) -> None:
    """Run the enrichment stages that are not up to date on a batch of stored articles, stored in one write."""
    found = rt.store.stored_articles(article_ids)
    if len(found) < len(article_ids):
        log.info("%d of %d articles are gone; nothing to enrich there", len(article_ids) - len(found), len(article_ids))
    changed = {
        stored.id: rt.pipeline.enrich(stored.article).enrichment
        for stored in found
        if not rt.pipeline.is_current(stored.article)
    }
    if changed:
        rt.store.update_enrichment(changed)


def render_issue(rt: Runtime, _queue: JobQueue | None, *, issue_id: int) -> None:
    """Render a published issue's downloads (PDF, Word) into the outputs folder the web app serves them from."""
    with rt.store.session() as session:
        row = session.get(IssueRow, issue_id)
        key = None if row is None else (row.total_number, row.series)
    if key is None:
        log.info("issue #%d is gone; nothing to render", issue_id)
        return
    issue = rt.store.get_issue(*key)
    from policydigest.intel.issue_charts import charts_for  # altair and vl-convert: only render jobs load them

    profile = profile_for(rt.settings)

    def render(fmt: str) -> bytes:  # called only for a file not rendered yet: a retried job draws no chart again
        charts = charts_for(rt.store, rt.settings, issue, fmt)
        return render_bytes(issue, fmt, profile=profile, default_columns=rt.settings.columns, charts=charts)

    for fmt in PUBLISHED_FORMATS:
        path = published_file(issue, fmt, rt.settings, partial(render, fmt))
        log.info("issue 总第%d期: %s ready", issue.total_number, path.name)


def send_issue(rt: Runtime, _queue: JobQueue | None, *, total_number: int) -> None:
    """Send the stored issue 总第``total_number``期 to every subscriber who has not got it yet (once each)."""
    try:
        report = send_issue_now(rt.store, rt.settings, total_number)
    except OSError as exc:  # the mail server is down or unreachable: that may pass
        raise JobRetryError(f"issue 总第{total_number}期: {exc}") from exc
    if report.deferred:
        raise JobRetryError(f"issue 总第{total_number}期: {report.deferred} message(s) wait for a retry")


@dataclass(frozen=True)
class TaskSpec:
    """A task: its queue and its work."""

    queue: str
    work: Callable[..., None]


#: Every task of the project, by name; workers can be given some queues only (`worker --queues`).
TASKS: dict[str, TaskSpec] = {
    "crawl_source": TaskSpec("crawl", crawl_source),
    "fetch_item": TaskSpec("fetch", fetch_item),
    "enrich_articles": TaskSpec("enrich", enrich_articles),
    "render_issue": TaskSpec("render", render_issue),
    "send_issue": TaskSpec("send", send_issue),
}
#: Articles enriched by one job at most (a bulk insert is cut into jobs of this many).
ENRICH_BATCH = 50
#: Errors worth another try; any other error dead-letters the job at once.
RETRIED = (JobRetryError, FetchError, OperationalError)


def register(app: procrastinate.App, settings: Settings, queue: JobQueue) -> None:
    """Register every task on ``app``: each records its last error, and counts and times its runs."""
    retry = RetryStrategy(
        max_attempts=settings.job_max_attempts,
        wait=max(1, round(settings.job_retry_wait)),
        exponential_wait=2,
        retry_exceptions=set(RETRIED),
    )
    for name, spec in TASKS.items():
        app.task(name=name, queue=spec.queue, retry=retry, pass_context=True)(_runner(name, spec, settings, queue))


def _runner(name: str, spec: TaskSpec, settings: Settings, queue: JobQueue) -> Callable[..., None]:
    def run(context: JobContext, **args: Any) -> None:
        rt = runtime(settings, queue)
        started = time.perf_counter()
        try:
            spec.work(rt, queue, **args)
        except Exception as exc:
            JOBS.labels(task=name, outcome="retry" if isinstance(exc, RETRIED) else "failed").inc()
            _record_error(rt.store, context, name, exc)
            raise
        else:
            JOBS.labels(task=name, outcome="done").inc()
        finally:
            JOB_SECONDS.labels(task=name).observe(time.perf_counter() - started)

    run.__name__ = name
    return run


def _record_error(store: Store, context: JobContext, task: str, exc: Exception) -> None:
    job = context.job
    if job.id is None:
        return
    with store.session() as session, session.begin():
        row = session.get(JobErrorRow, job.id) or JobErrorRow(job_id=job.id, task=task)
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        row.attempts = job.attempts + 1
        row.failed_at = dt.datetime.now(dt.UTC)
        session.add(row)


def follow_new_rows(queue: JobQueue, store: Store) -> None:
    """Queue the work that new rows cause, in their own transaction: fetch new links, enrich new articles."""

    def fetch(session: Session, ids: list[int]) -> None:
        _defer_batch(queue, session, "fetch_item", [{"item_id": i} for i in ids])

    def enrich(session: Session, ids: list[int]) -> None:
        # Several articles a job: the queue's own round trips (take, finish) cost more than enriching one.
        batches = [ids[i : i + ENRICH_BATCH] for i in range(0, len(ids), ENRICH_BATCH)]
        _defer_batch(queue, session, "enrich_articles", [{"article_ids": batch} for batch in batches])

    store.outbox.on_insert(SeenItemRow, fetch)
    store.outbox.on_insert(ArticleRow, enrich)


def follow_published_issues(queue: JobQueue, store: Store) -> None:
    """Queue the rendering of each newly stored (published or imported) issue in the transaction that stores it."""

    def render(session: Session, ids: list[int]) -> None:
        _defer_batch(queue, session, "render_issue", [{"issue_id": i} for i in ids])

    store.outbox.on_insert(IssueRow, render)


def _defer_batch(queue: JobQueue, session: Session, task: str, args: list[dict[str, Any]]) -> None:
    connection = session.connection().connection.driver_connection
    queue.app.configure_task(task, connection=connection).batch_defer(*args)
