"""The job queue: crawl throughput with 1 and 2 workers, and enrichment jobs through the queue against
the in-process runner, in the same run.

A throwaway PostgreSQL server (tests/postgres.py) holds the store and the queue; loopback fixture sites
(tests/web_server.py, one per 127.0.0.x address, named site1.test … through ``fetch_hosts``) serve generated
notice pages. Workers are real ``policydigest worker`` processes. On this 2-core machine two workers share the
same two cores as the fixture servers and PostgreSQL, so the scaling factor here is a floor, not the projection to
more machines (see docs/scaling.md).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text

from bench.enrich import corpus
from policydigest.enrich.pipeline import build_pipeline
from policydigest.enrich.runner import enrich_store
from policydigest.jobs.queue import JobQueue
from policydigest.jobs.schedule import enqueue_due_sources
from policydigest.jobs.tasks import ENRICH_BATCH
from policydigest.model import Article
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.schema import ArticleRow
from policydigest.store.source_schema import SeenItemRow
from tests.postgres import PostgresServer, throwaway_postgres
from tests.web_server import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
ACTIVE = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
STAGES = ["facts", "topics", "column", "summary"]
#: The loopback sites by name, resolved by the workers' ``fetch_hosts`` setting (no DNS, no /etc/hosts).
HOSTS = {f"site{n}.test": f"127.0.0.{n + 1}" for n in range(1, 11)}


def _env(db_catalogue: Path, index: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "POLICYDIGEST_CATALOGUE_FILE": str(db_catalogue),
        "POLICYDIGEST_FETCH_HOSTS": json.dumps(HOSTS),
        "POLICYDIGEST_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "POLICYDIGEST_FETCH_HOST_DELAY": "0.005",
        "POLICYDIGEST_CRAWL_MAX_ITEMS": "1000",
        "POLICYDIGEST_ENRICH_STAGES": '["topics"]',
        "POLICYDIGEST_INDEX_PATH": str(index),
        "POLICYDIGEST_LOG_LEVEL": "ERROR",
    }


def _policydigest(db: str, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "policydigest", "--db", db, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _settled(store: Store, expected: int) -> bool:
    with store.session() as session:
        stored = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
        pending = session.scalar(select(func.count()).where(SeenItemRow.status == "pending")) or 0
        active = session.scalar(text(ACTIVE)) or 0
    return stored >= expected and pending == 0 and active == 0


def _wait_for_workers(store: Store, count: int, running: list[subprocess.Popen[bytes]]) -> None:
    """Until ``count`` workers have registered with the queue (imports and start-up done)."""
    while True:
        with store.session() as session:
            if (session.scalar(text("SELECT count(*) FROM procrastinate_workers")) or 0) >= count:
                return
        if any(w.poll() is not None for w in running):
            raise RuntimeError("a worker stopped while starting")
        time.sleep(0.1)


def crawl_rate(server: PostgresServer, hosts: list[FixtureServer], pages: int, workers: int, folder: Path) -> float:
    """Pages per second crawled (fetched, extracted, stored, enriched) by ``workers`` worker processes."""
    db = server.url(server.create_database())
    catalogue = folder / f"sources-{workers}.toml"
    catalogue.write_text(
        "\n".join(
            f'[[source]]\nname = "站点{n}"\nkind = "listing"\n'
            f'url = "{h.url(f"/generated/list?n={pages}&prefix=/generated/art")}"\n'
            for n, h in enumerate(hosts)
        ),
        encoding="utf-8",
    )
    env = _env(catalogue, folder / f"index-{workers}")
    store = open_store(db)
    running = [_policydigest(db, env, "worker", "--concurrency", "4") for _ in range(workers)]
    try:
        _wait_for_workers(store, workers, running)
        settings = Settings(database_url=db, catalogue_file=catalogue)
        with JobQueue(settings) as queue:
            started = time.perf_counter()  # from the first queued crawl: the workers' start-up is not counted
            enqueue_due_sources(settings, store, queue)
        while not _settled(store, pages * len(hosts)):
            if any(w.poll() is not None for w in running):
                raise RuntimeError("a worker stopped before the crawl was done")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        for worker in running:
            worker.send_signal(signal.SIGTERM)
        for worker in running:
            worker.wait(60)
        store.close()
    return pages * len(hosts) / elapsed


def enrich_rates(server: PostgresServer, count: int, folder: Path) -> tuple[float, float]:
    """Articles enriched per second in-process, and through the queue by one worker process.

    Through the queue the articles are inserted as a bulk import does, the queue attached: the store's outbox
    queues their enrichment with them, in jobs of ``ENRICH_BATCH`` articles; the clock starts at the commit.
    """
    articles = corpus(count)
    rates = []
    for through_queue in (False, True):
        db = server.url(server.create_database())
        settings = Settings(database_url=db, enrich_stages=STAGES, index_path=folder / "index-enrich")
        store = open_store(db)
        if not through_queue:
            _insert(store, articles)
            pipeline = build_pipeline(settings)  # loaded before the clock, as a worker loads it when it starts
            started = time.perf_counter()
            enrich_store(store, pipeline)
        else:
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "POLICYDIGEST_ENRICH_STAGES": json.dumps(STAGES),
                   "POLICYDIGEST_LOG_LEVEL": "ERROR"}  # fmt: skip
            worker = _policydigest(db, env, "worker", "--concurrency", "2")
            try:
                _wait_for_workers(store, 1, [worker])
                with JobQueue(settings) as queue:
                    queue.attach(store)
                    _insert(store, articles)
                    started = time.perf_counter()
                while not _settled(store, 0):
                    time.sleep(0.05)
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(60)
        rates.append(count / (time.perf_counter() - started))
        store.close()
    return rates[0], rates[1]


def _insert(store: Store, articles: list[Article]) -> None:
    with store.session() as session, session.begin():
        for article in articles:
            store.upsert_article(session, article)


def main(smoke: bool = False) -> None:
    console = Console()
    hosts_n, pages, articles = (2, 10, 20) if smoke else (10, 100, 1000)
    with throwaway_postgres() as server, TemporaryDirectory() as tmp:
        named = enumerate(list(HOSTS.items())[:hosts_n])
        hosts = [FixtureServer(address, site=f"第{n}站点", name=name).start() for n, (name, address) in named]
        try:
            one = crawl_rate(server, hosts, pages, 1, Path(tmp))
            two = crawl_rate(server, hosts, pages, 2, Path(tmp))
        finally:
            for host in hosts:
                host.stop()
        inline, queued = enrich_rates(server, articles, Path(tmp))
    table = Table("what", "rate", "against")
    table.add_row(f"crawl, 1 worker ({hosts_n} hosts × {pages} pages)", f"{one:.1f} pages/s", "baseline")
    table.add_row("crawl, 2 workers", f"{two:.1f} pages/s", f"×{two / one:.2f} of 1 worker")
    table.add_row(f"enrichment in-process ({articles} articles)", f"{inline:.1f} articles/s", "baseline")
    table.add_row(
        f"enrichment through the queue (1 worker, jobs of {ENRICH_BATCH})", f"{queued:.1f} articles/s",
        f"×{queued / inline:.2f}",
    )
    console.print(table)
