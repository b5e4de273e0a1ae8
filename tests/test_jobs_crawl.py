"""Three worker processes crawl 1,000 pages on 10 loopback hosts through one PostgreSQL: every page stored once,
no host asked faster than its pace (the fixture servers' own logs say), and a worker killed mid-crawl loses
nothing. The hosts are names (site1.test …) that the setting ``fetch_hosts`` resolves to 127.0.0.2 …, so pacing
is by host name, as on the internet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from policydigest.store import open_store
from policydigest.store.schema import ArticleRow
from policydigest.store.source_schema import SeenItemRow
from tests.conftest import ROOT, PostgresServer
from tests.web_server import FixtureServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HOSTS = {f"site{n}.test": f"127.0.0.{n + 1}" for n in range(1, 11)}
PAGES_PER_HOST = 100
DELAY = 0.05  # seconds between two requests to one host: at most 20 a second
ACTIVE_JOBS = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"


@pytest.fixture
def hosts() -> Iterator[list[FixtureServer]]:
    """Ten fixture sites, one per loopback address and host name, each with pages of its own."""
    sites = enumerate(HOSTS.items(), 1)
    servers = [FixtureServer(address, site=f"第{n}站点", name=name).start() for n, (name, address) in sites]
    yield servers
    for server in servers:
        server.stop()


def catalogue(servers: list[FixtureServer], folder: Path) -> Path:
    entries = [
        f'[[source]]\nname = "站点{n}"\nkind = "listing"\n'
        f'url = "{server.url(f"/generated/list?n={PAGES_PER_HOST}&prefix=/generated/art")}"\ninterval_minutes = 60\n'
        for n, server in enumerate(servers, 1)
    ]
    path = folder / "sources.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def cli(db: str, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "policydigest", "--db", db, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def most_in_one_second(times: list[float]) -> int:
    """The most requests that started within any one second."""
    times = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_three_workers_crawl_every_page_once_politely_and_survive_a_killed_worker(
    postgres_server: PostgresServer, hosts: list[FixtureServer], tmp_path: Path
) -> None:
    db = postgres_server.url(postgres_server.create_database())
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "POLICYDIGEST_CATALOGUE_FILE": str(catalogue(hosts, tmp_path)),
        "POLICYDIGEST_FETCH_HOSTS": json.dumps(HOSTS),
        "POLICYDIGEST_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "POLICYDIGEST_FETCH_HOST_DELAY": str(DELAY),
        "POLICYDIGEST_CRAWL_MAX_ITEMS": str(PAGES_PER_HOST),
        "POLICYDIGEST_JOB_STALLED_SECONDS": "5",
        "POLICYDIGEST_ENRICH_STAGES": '["topics"]',
        "POLICYDIGEST_INDEX_PATH": str(tmp_path / "index"),
    }
    enqueue = cli(db, env, "crawl", "--enqueue")
    assert enqueue.wait(60) == 0, enqueue.stderr.read() if enqueue.stderr else ""
    store = open_store(db)
    workers = [cli(db, env, "worker", "--concurrency", "4") for _ in range(3)]
    killed = False
    try:
        deadline = time.monotonic() + 600  # about 40 s on an idle machine
        while True:
            with store.session() as session:
                articles = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
                pending = session.scalar(select(func.count()).where(SeenItemRow.status == "pending")) or 0
                waiting = session.scalar(text(ACTIVE_JOBS))
            if not killed and articles >= 200:
                workers[0].send_signal(signal.SIGKILL)  # mid-crawl: its jobs in hand are taken over
                killed = True
            if killed and articles == len(HOSTS) * PAGES_PER_HOST and pending == 0 and waiting == 0:
                break
            assert all(w.poll() is None for w in workers[1:]), "a worker died on its own"
            assert time.monotonic() < deadline, f"crawl stalled: {articles} articles, {pending} pending, {waiting} jobs"
            time.sleep(0.5)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    with store.session() as session:
        urls = list(session.scalars(select(ArticleRow.url)))
        statuses = dict(session.execute(select(SeenItemRow.status, func.count()).group_by(SeenItemRow.status)).all())
    assert len(urls) == len(set(urls)) == len(HOSTS) * PAGES_PER_HOST
    assert statuses == {"done": len(HOSTS) * PAGES_PER_HOST}
    for name, server in zip(HOSTS, hosts, strict=True):
        by_name: dict[str, list[float]] = {}
        for seen in server.state.requests:
            by_name.setdefault(seen.headers.get("host", "").rsplit(":", 1)[0], []).append(seen.at)
        assert list(by_name) == [name], server.base  # every request came by the host's name
        assert len([s for s in server.state.requests if s.path.startswith("/generated/art/")]) >= PAGES_PER_HOST
        assert most_in_one_second(by_name[name]) <= round(1 / DELAY) + 1, name
