"""Crawling feeds and listing pages served on 127.0.0.1: storing, de-duplicating, resuming, watching."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from policydigest.ingest import items as items_module
from policydigest.ingest.add import add_inputs
from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.crawl import crawl_once, watch
from policydigest.ingest.fetch import FetchResult
from policydigest.model import Article
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.repository import article_from_row
from policydigest.store.schema import ArticleRow
from policydigest.store.sources import SourceRepository

ROOT = Path(__file__).resolve().parents[1]


def spec(name: str, kind: str, url: str, **extra: Any) -> SourceSpec:
    return SourceSpec.model_validate({"name": name, "kind": kind, "url": url, **extra})


def stored_articles(store: Store) -> list[Article]:
    with store.session() as session:
        return [article_from_row(row) for row in session.scalars(select(ArticleRow).order_by(ArticleRow.id))]


def test_crawl_stores_feed_items_as_web_articles(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    report = crawl_once(web_settings, store, catalogue=[spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"))])
    assert [(run.links, run.new, run.tally.stored, run.error) for run in report.runs] == [(3, 3, 3, None)]
    articles = stored_articles(store)
    assert {a.url for a in articles} == {web.url(f"/art/2024/art_{n}.html") for n in (101, 102, 103)}
    first = next(a for a in articles if a.url.endswith("art_101.html"))
    assert first.title == "明湖市数据资源局关于印发《明湖市公共数据授权运营管理办法（试行）》的通知"
    assert first.source == "明湖市数据资源局"
    assert str(first.published) == "2024-05-06"
    assert [(p.kind, p.location) for p in first.provenance] == [("web", web.url("/art/2024/art_101.html"))]
    assert first.provenance[0].retrieved_at is not None
    assert "打印" not in first.body and "版权所有" not in first.body
    assert SourceRepository(store).item_counts() == {"done": 3}


def test_second_crawl_asks_conditionally_and_stores_nothing_new(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·列表", "listing", web.url("/list/"), pattern="/art/")]
    crawl_once(web_settings, store, catalogue=catalogue)
    web.state.reset()
    again = crawl_once(web_settings, store, catalogue=catalogue, force=True)
    assert again.runs[0].links is None and again.runs[0].new == 0 and again.runs[0].error is None
    listing_requests = [seen for seen in web.state.requests if seen.path == "/list/"]
    assert len(listing_requests) == 1 and "if-none-match" in listing_requests[0].headers
    assert not any(path.startswith("/art/") for path in web.state.paths())
    assert store.count_articles() == 5


def test_source_that_is_not_due_is_skipped(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"), interval_minutes=60)]
    crawl_once(web_settings, store, catalogue=catalogue)
    report = crawl_once(web_settings, store, catalogue=catalogue)
    assert report.runs == [] and report.skipped == ["明湖·RSS"]


def test_listing_with_pattern_stores_only_the_articles(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·列表", "listing", web.url("/list/"), pattern=r"/art/\d{4}/")]
    run = crawl_once(web_settings, store, catalogue=catalogue).runs[0]
    assert (run.links, run.tally.stored) == (5, 5)
    assert "/zt/special.html" not in web.state.paths()


def test_items_shared_by_several_feeds_are_stored_once(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [
        spec("明湖·RSS", "feed", web.url("/feeds/rss.xml")),
        spec("明湖·Atom", "feed", web.url("/feeds/atom.xml")),
        spec("明湖·JSON", "feed", web.url("/feeds/feed.json")),
    ]
    report = crawl_once(web_settings, store, catalogue=catalogue)
    assert [run.new for run in report.runs] == [3, 2, 0]  # 103, 101 and 105 were already seen
    assert store.count_articles() == 5
    fetched = [p for p in web.state.paths() if p.startswith("/art/")]
    assert len(fetched) == len(set(fetched)) == 5


def test_same_article_at_another_address_is_a_duplicate_with_both_provenances(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    crawl_once(web_settings, store, catalogue=[spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"))])
    other = web.url("/wrong-charset/art/2024/art_101.html?charset=utf-8")
    [outcome] = add_inputs([other], web_settings, store)
    assert outcome.status == "duplicate"
    assert store.count_articles() == 3
    article = next(a for a in stored_articles(store) if a.id == outcome.article_id)
    assert sorted(p.location for p in article.provenance) == sorted([web.url("/art/2024/art_101.html"), other])


def test_robots_disallowed_items_are_blocked_and_not_fetched(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·内部", "listing", web.url("/generated/list?n=3&prefix=/private"))]
    run = crawl_once(web_settings, store, catalogue=catalogue).runs[0]
    assert (run.links, run.tally.blocked, run.tally.stored) == (3, 3, 0)
    assert not any(path.startswith("/private/") for path in web.state.paths())
    assert SourceRepository(store).item_counts() == {"blocked": 3}


def test_failing_item_is_retried_on_later_runs_then_given_up(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    settings = web_settings.model_copy(update={"crawl_max_attempts": 2})
    catalogue = [spec("明湖·失效", "listing", web.url("/generated/list?n=3&prefix=/missing"))]
    first = crawl_once(settings, store, catalogue=catalogue).runs[0]
    assert (first.tally.retrying, first.tally.failed) == (3, 0)
    second = crawl_once(settings, store, catalogue=catalogue, force=True).runs[0]
    assert (second.tally.retrying, second.tally.failed) == (0, 3)
    assert SourceRepository(store).item_counts() == {"failed": 3}
    third = crawl_once(settings, store, catalogue=catalogue, force=True).runs[0]
    assert third.tally.tried == 0  # given up: not fetched again


def test_crawl_interrupted_after_some_items_resumes_without_loss_or_duplicates(
    web: Any, web_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(web_settings.database_url)
    settings = web_settings.model_copy(update={"fetch_concurrency": 1})
    catalogue = [spec("明湖·生成", "listing", web.url("/generated/list?n=8"))]
    calls = 0
    real_extract = items_module.article_from_page

    def extract_then_crash(
        result: FetchResult, *, title: str | None = None, publisher: str | None = None
    ) -> Article | None:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise KeyboardInterrupt  # as if the editor pressed Ctrl-C in the middle of an item
        return real_extract(result, title=title, publisher=publisher)

    monkeypatch.setattr(items_module, "article_from_page", extract_then_crash)
    with pytest.raises(KeyboardInterrupt):
        crawl_once(settings, store, catalogue=catalogue)
    repo = SourceRepository(store)
    assert repo.item_counts() == {"done": 3, "pending": 5}
    assert store.count_articles() == 3

    monkeypatch.setattr(items_module, "article_from_page", real_extract)
    crawl_once(settings, store, catalogue=catalogue)
    assert repo.item_counts() == {"done": 8}
    articles = stored_articles(store)
    assert sorted(a.url or "" for a in articles) == sorted(web.url(f"/generated/art/{i}.html") for i in range(1, 9))
    assert all(len(a.provenance) == 1 for a in articles)


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        try:
            return int(connection.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # tables not created yet


def _crawl_process(db: Path, catalogue: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "POLICYDIGEST_DATABASE_URL": f"sqlite:///{db}",
        "POLICYDIGEST_FETCH_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
        "POLICYDIGEST_FETCH_HOST_DELAY": "0",
        "POLICYDIGEST_FETCH_CONCURRENCY": "1",
    }
    command = [sys.executable, "-c", "from policydigest.cli import run; run()", "crawl", "--catalogue", str(catalogue)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_crawl_killed_with_sigkill_and_restarted_loses_and_duplicates_nothing(web: Any, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "明湖·慢"\nkind = "listing"\nurl = "{web.url("/generated/list?n=10&prefix=/slow-art")}"\n',
        encoding="utf-8",
    )
    web.slow_article_delay = 0.4
    process = _crawl_process(db, catalogue)
    deadline = time.monotonic() + 60
    while _count(db, "select count(*) from seen_items where status = 'done'") < 3:
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    done_before = _count(db, "select count(*) from seen_items where status = 'done'")
    assert 3 <= done_before < 10
    assert _count(db, "select count(*) from articles") == done_before  # done ⇔ stored, even when killed

    web.slow_article_delay = 0.0
    restarted = _crawl_process(db, catalogue)
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output
    assert _count(db, "select count(*) from seen_items where status = 'done'") == 10
    assert _count(db, "select count(*) from seen_items") == 10
    assert _count(db, "select count(*) from articles") == 10
    assert _count(db, "select count(distinct url) from articles") == 10
    assert _count(db, "select count(*) from provenance") == 10


def test_watch_runs_rounds_until_stopped(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    settings = web_settings.model_copy(update={"watch_tick": 0.05})
    catalogue = [spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"), interval_minutes=1)]
    stop = threading.Event()
    reports: list[int] = []

    def on_report(report: Any) -> None:
        reports.append(len(report.runs))
        if len(reports) == 3:
            stop.set()

    rounds = watch(settings, store, catalogue=catalogue, stop=stop, on_report=on_report)
    assert rounds == 3
    assert reports == [1, 0, 0]  # due once; then not again within its interval
    assert store.count_articles() == 3


@pytest.mark.slow
def test_watch_command_stops_gracefully_on_sigterm(web: Any, tmp_path: Path) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "明湖·RSS"\nkind = "feed"\nurl = "{web.url("/feeds/rss.xml")}"\n', encoding="utf-8"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "POLICYDIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "POLICYDIGEST_FETCH_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
        "POLICYDIGEST_FETCH_HOST_DELAY": "0",
        "COLUMNS": "200",
    }
    command = [sys.executable, "-c", "from policydigest.cli import run; run()", "watch", "--catalogue", str(catalogue)]
    process = subprocess.Popen(
        [*command, "--tick", "0.2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while not any("个来源，入库" in line for line in lines):
        assert time.monotonic() < deadline and process.poll() is None, "".join(lines)
        lines.append(process.stdout.readline())
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0, "".join(lines) + rest
    assert "入库 3 篇" in "".join(lines)
    assert "已停止" in rest
