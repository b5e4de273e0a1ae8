"""Source health: working sources are ok; failing, emptied and body-less ones are flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.crawl import crawl_once
from policydigest.ingest.health import Health, SourceHealth, source_health
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.sources import SourceRepository


def spec(name: str, kind: str, url: str, **extra: Any) -> SourceSpec:
    return SourceSpec.model_validate({"name": name, "kind": kind, "url": url, **extra})


def health_after_runs(
    settings: Settings, store: Store, catalogue: list[SourceSpec], runs: int
) -> dict[str, SourceHealth]:
    for _ in range(runs):
        crawl_once(settings, store, catalogue=catalogue, force=True)
    report = source_health(SourceRepository(store).states(), catalogue, settings)
    return {h.name: h for h in report}


def test_working_source_is_ok_with_its_counters(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"), verified=True)]
    health = health_after_runs(web_settings, store, catalogue, 2)["明湖·RSS"]
    assert health.health is Health.OK and health.flags == ()
    assert health.state is not None
    assert health.state.last_success_at is not None and health.state.last_new_item_at is not None
    assert health.state.error_streak == 0
    assert health.items_per_week == 3 / 4
    assert health.verified is True


def test_source_never_run_is_shown_as_such(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·未运行", "feed", web.url("/feeds/atom.xml"))]
    report = source_health(SourceRepository(store).states(), catalogue, web_settings)
    assert [(h.name, h.health, h.verified) for h in report] == [("明湖·未运行", Health.NEVER_RUN, False)]


def test_erroring_source_warns_then_fails_with_the_last_error(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·失效", "listing", web.url("/gone"))]
    once = health_after_runs(web_settings, store, catalogue, 1)["明湖·失效"]
    assert once.health is Health.WARNING
    thrice = health_after_runs(web_settings, store, catalogue, 2)["明湖·失效"]
    assert thrice.health is Health.FAILING
    assert thrice.flags[0].startswith("连续3次抓取失败：") and "返回 HTTP 404" in thrice.flags[0]


def test_error_streak_resets_when_the_source_works_again(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    broken = [spec("明湖·列表", "listing", web.url("/gone"))]
    health_after_runs(web_settings, store, broken, 3)
    fixed = [spec("明湖·列表", "listing", web.url("/list/"), pattern="/art/")]
    health = health_after_runs(web_settings, store, fixed, 1)["明湖·列表"]
    assert health.health is Health.OK
    assert health.state is not None and health.state.error_streak == 0 and health.state.last_links == 5


def test_listing_that_stops_yielding_links_is_flagged(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·改版", "listing", web.url("/list/redesigned.html"))]
    twice = health_after_runs(web_settings, store, catalogue, 2)["明湖·改版"]
    assert not any("no links" in flag for flag in twice.flags)
    thrice = health_after_runs(web_settings, store, catalogue, 1)["明湖·改版"]
    assert thrice.health is Health.FAILING
    assert any(flag.startswith("列表页连续3次没有链接") for flag in thrice.flags)


def test_source_whose_pages_stop_yielding_a_body_is_flagged(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·空页", "listing", web.url("/generated/fresh-empty-list"))]
    health = health_after_runs(web_settings, store, catalogue, 3)["明湖·空页"]
    assert health.health is Health.FAILING
    assert any(flag.startswith("文章页连续3次没有正文") for flag in health.flags)
    assert SourceRepository(store).item_counts() == {"no_body": 9}


def test_quiet_source_warns_after_thirty_days_without_a_new_item(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    catalogue = [spec("明湖·RSS", "feed", web.url("/feeds/rss.xml"))]
    crawl_once(web_settings, store, catalogue=catalogue)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    [health] = source_health(SourceRepository(store).states(at=later), catalogue, web_settings, at=later)
    assert health.health is Health.WARNING
    assert len(health.flags) == 1 and health.flags[0].startswith("40天没有新文章")
    assert health.items_per_week == 0


def test_stored_source_missing_from_the_catalogue_is_still_reported(web: Any, web_settings: Settings) -> None:
    store = open_store(web_settings.database_url)
    crawl_once(web_settings, store, catalogue=[spec("明湖·旧", "feed", web.url("/feeds/rss.xml"))])
    [health] = source_health(SourceRepository(store).states(), [], web_settings)
    assert health.name == "明湖·旧" and health.verified is None
    assert "已不在信息源目录中" in health.summary and any(f.startswith("已不在信息源目录中") for f in health.flags)
