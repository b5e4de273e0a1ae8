"""The editorial desk under load: `wrk` against `policydigest serve` on 127.0.0.1 (issue 10, acceptance 5).

The sample store of bench/web.py gets 10,000 more candidate articles (spread over sources, columns,
regions and topics, none published) and an open draft of 40 items; an editor's API token signs the
requests. `wrk` then loads the inbox page (first page of 10,000), a filtered inbox page, the draft
page and, in the same run, the public issue page. Aim: inbox p99 ≤ 100 ms. The server's CPU time per request
is printed too: on a shared machine it says what a request costs when latency says how busy the machine was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from bench.web import CONNECTIONS, ISSUE, SECONDS, SMOKE_SECONDS, THREADS, TIMEOUT, Load, build_store, parse_wrk, serve
from policydigest.compose.draft import candidate_item
from policydigest.compose.model import Draft
from policydigest.compose.repository import DraftRepository
from policydigest.desk.accounts import Accounts
from policydigest.enrichment import ColumnDecision, Enrichment, Facts, RegionFact, SummaryResult, TopicLabel, Topics
from policydigest.model import DEFAULT_COLUMN_ROLES
from policydigest.profile import profile_for
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.schema import ArticleRow

CANDIDATES = 10_000
SMOKE_CANDIDATES = 200
DRAFT_ITEMS = 40
SOURCES = ["国家数据局", "工业和信息化部", "贵州省大数据发展管理局", "贵阳市大数据局", "新华社", "人民网"]
COLUMNS, ROLES = list(DEFAULT_COLUMN_ROLES), list(DEFAULT_COLUMN_ROLES.values())
REGIONS = [("贵阳市", "贵州省"), ("杭州市", "浙江省"), ("深圳市", "广东省"), ("北京市", "北京市")]
TOPICS = ["算力", "数据要素", "人工智能", "数据安全", "数字政府"]


def enrichment(n: int, title: str) -> dict[str, Any]:
    """The stored enrichment of candidate ``n``, in the shape the stages write (an older shape reads as empty)."""
    city, province = REGIONS[n % 4]
    regions = [RegionFact(text=city, start=0, end=len(city), name=city, level="prefecture", province=province,
                          code=None)]
    return Enrichment(
        column=ColumnDecision(column=COLUMNS[n % 4], role=ROLES[n % 4], confidence=0.5 + (n % 50) / 100),
        topics=Topics(labels=[TopicLabel(id=f"t{n % 5}", label=TOPICS[n % 5], score=1.0)]),
        facts=Facts(regions=regions),
        summary=SummaryResult(lead=title, summary=title, extractive=title, method="extractive"),
    ).stored()


def add_candidates(settings: Settings, count: int = CANDIDATES) -> list[int]:
    """``count`` unpublished articles with enrichment (column and confidence, regions, topics); their ids."""
    store = open_store(settings.database_url)
    day = dt.date(2025, 3, 1)
    rows = []
    for n in range(count):
        title = f"关于推进{TOPICS[n % 5]}发展的第{n}号通知"
        rows.append(
            {
                "content_hash": hashlib.sha256(f"bench-desk-{n}".encode()).hexdigest(),
                "title": title,
                "blocks": [{"kind": "paragraph", "text": f"{title}。各有关单位：现将有关事项通知如下。"}],
                "source": SOURCES[n % len(SOURCES)],
                "url": f"https://www.example.gov.cn/zc/{n}.html",
                "published": day - dt.timedelta(days=n % 60),
                "enrichment": enrichment(n, title),
            }
        )
    with store.session() as session, session.begin():
        session.execute(ArticleRow.__table__.insert(), rows)
    with store.session() as session:
        return list(session.scalars(select(ArticleRow.id).order_by(ArticleRow.id.desc()).limit(DRAFT_ITEMS)))


def add_draft(settings: Settings, ids: list[int]) -> None:
    """An open draft of 40 of the candidates, ten per column."""
    store = open_store(settings.database_url)
    profile = profile_for(settings)
    repo = DraftRepository(store)
    articles = repo.articles(ids)
    day = dt.date(2025, 3, 28)
    items = []
    for n, article_id in enumerate(ids):
        item = candidate_item(articles[article_id], profile=profile, date=day, column=COLUMNS[n % 4])
        item.position = n // 4
        items.append(item)
    repo.save(Draft(series=profile.series.title, number=10, total_number=59, date=day, window_from=day,
                    window_to=day, cover_headline=items[0].title, items=items))


def load(name: str, base: str, path: str, token: str, seconds: int = SECONDS) -> Load:
    """`wrk` for ``seconds`` against one URL, signed with ``token``."""
    headers = {"Authorization": f"Bearer {token}"}
    answer = httpx.get(base + path, headers=headers, timeout=30)
    answer.raise_for_status()
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT}s", "--latency",
               "-H", f"Authorization: Bearer {token}", base + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, rate, p50, p99, errors = parse_wrk(output)
    return Load(name, path, requests, rate, p50, p99, errors, len(answer.content) / 1024)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux ``/proc``; NaN elsewhere).

    On a shared machine a request's latency says how busy the machine was; the server's CPU time per
    request says what the request costs.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(smoke: bool = False) -> None:
    candidates, seconds = (SMOKE_CANDIDATES, SMOKE_SECONDS) if smoke else (CANDIDATES, SECONDS)
    console = Console()
    if shutil.which("wrk") is None:
        console.print("[red]wrk is not installed[/] (Debian package wrk; ./run setup installs it)")
        raise SystemExit(1)
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp:
        started = time.perf_counter()
        settings = build_store(Path(tmp))
        add_draft(settings, add_candidates(settings, candidates))
        accounts = Accounts(open_store(settings.database_url))
        accounts.add("bench-editor", "editor", "bench-password-123")
        token = accounts.new_token("bench-editor")
        console.print(f"store with {candidates:,} candidates and a {DRAFT_ITEMS}-item draft built in "
                      f"{time.perf_counter() - started:.1f} s; wrk {seconds} s per row, {THREADS} threads, "
                      f"{CONNECTIONS} connections, 2-core machine shared with wrk")
        process, base = serve(settings, POLICYDIGEST_WEB_SECRET_KEY="bench-" + "k" * 32)
        try:
            rows = [
                ("public issue page", ISSUE),
                ("inbox, first page of 10,000", "/desk/inbox"),
                ("inbox, filtered", f"/desk/inbox?column={quote('地方新政')}&topic={quote('算力')}"),
                ("draft, 40 items", "/desk/draft"),
            ]
            results, cpu_ms = [], []
            for name, path in rows:
                before = cpu_seconds(process.pid)
                results.append(load(name, base, path, token, seconds))
                cpu_ms.append((cpu_seconds(process.pid) - before) * 1000 / max(1, results[-1].requests))
        finally:
            process.terminate()
            process.wait(10)
    table = Table("load", "path", "requests", "req/s", "p50 ms", "p99 ms", "errors", "KB/answer", "server CPU ms/req")
    for r, cpu in zip(results, cpu_ms, strict=True):
        table.add_row(r.name, r.path[:40], str(r.requests), f"{r.rate:,.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}",
                      str(r.errors), f"{r.kb:.1f}", f"{cpu:.1f}")
    console.print(table)
    inbox = results[1]
    console.print(f"inbox p99 {inbox.p99_ms:.0f} ms (aim ≤ 100 ms): {'met' if inbox.p99_ms <= 100 else 'NOT met'}")
    if any(r.errors for r in results):
        console.print("[red]FAIL[/]: errors under load")
        raise SystemExit(1)
