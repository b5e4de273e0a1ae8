"""Fetching from a real HTTP server on 127.0.0.1: robots.txt, redirects, 304s, retries, limits, charsets."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest

from policydigest.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)
from policydigest.ingest.fetch import Fetcher, retry_after_seconds
from policydigest.ingest.polite import HostGate
from policydigest.settings import Settings


class Sleeps(list[float]):
    """Records the waits the fetcher asks for, and waits a token amount so tests stay fast."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(min(seconds, 0.01))


def fetcher_for(settings: Settings, sleeps: Sleeps | None = None) -> Fetcher:
    return Fetcher(settings, sleep=sleeps if sleeps is not None else Sleeps())


def test_page_is_fetched_with_its_validators(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher:
        result = fetcher.fetch(web.url("/art/2024/art_101.html"))
    assert result.status == 200
    assert result.final_url == web.url("/art/2024/art_101.html")
    assert result.redirects == []
    assert result.validators.etag and result.validators.last_modified
    assert "公共数据授权运营管理办法" in result.content.decode("utf-8")


def test_user_agent_from_settings_is_sent(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_user_agent": "policydigest-test/1.0"})
    with fetcher_for(settings) as fetcher:
        fetcher.fetch(web.url("/art/2024/art_101.html"))
    assert {seen.headers["user-agent"] for seen in web.state.requests} == {"policydigest-test/1.0"}


def test_robots_txt_disallow_is_obeyed_and_nothing_is_requested(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher:
        with pytest.raises(RobotsDisallowedError, match=r"robots\.txt 不允许抓取 .*/private/secret\.html"):
            fetcher.fetch(web.url("/private/secret.html"))
        fetcher.fetch(web.url("/art/2024/art_102.html"))
    assert "/private/secret.html" not in web.state.paths()
    assert web.state.paths().count("/robots.txt") == 1  # read once per fetcher


def test_robots_txt_can_be_ignored_by_setting(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_respect_robots": False})
    with fetcher_for(settings) as fetcher:
        assert fetcher.fetch(web.url("/private/secret.html")).status == 200


def test_redirects_are_followed_and_recorded_hop_by_hop(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher:
        result = fetcher.fetch(web.url("/redirect/3/art/2024/art_103.html"))
    assert result.final_url == web.url("/art/2024/art_103.html")
    assert [(r.url, r.location) for r in result.redirects] == [
        (web.url("/redirect/3/art/2024/art_103.html"), web.url("/redirect/2/art/2024/art_103.html")),
        (web.url("/redirect/2/art/2024/art_103.html"), web.url("/redirect/1/art/2024/art_103.html")),
        (web.url("/redirect/1/art/2024/art_103.html"), web.url("/art/2024/art_103.html")),
    ]
    assert all(r.status in (301, 302, 303, 307, 308) for r in result.redirects)
    assert "数字经济发展工作推进会" in result.content.decode()


def test_too_many_redirects_fail_with_the_setting_named(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_max_redirects": 2})
    with fetcher_for(settings) as fetcher, pytest.raises(Exception, match="fetch_max_redirects=2"):
        fetcher.fetch(web.url("/redirect/4/art/2024/art_103.html"))


def test_second_fetch_with_validators_gets_304_and_no_body(web: Any, web_settings: Settings) -> None:
    url = web.url("/list/")
    with fetcher_for(web_settings) as fetcher:
        first = fetcher.fetch(url)
        second = fetcher.fetch(url, validators=first.validators)
    assert first.status == 200 and not first.not_modified
    assert second.status == 304 and second.not_modified and second.content == b""
    conditional = [seen for seen in web.state.requests if seen.path == "/list/"][1]
    assert conditional.headers["if-none-match"] == first.validators.etag
    assert conditional.headers["if-modified-since"] == first.validators.last_modified


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_then_the_page_is_fetched(web: Any, web_settings: Settings, status: int) -> None:
    sleeps = Sleeps()
    path = f"/flaky/{status}/art/2024/art_104.html"
    with fetcher_for(web_settings, sleeps) as fetcher:
        result = fetcher.fetch(web.url(path) + "?fails=2&after=1")
    assert result.status == 200
    assert web.state.paths().count(path) == 3
    assert sleeps.count(1.0) == 2  # the server's Retry-After, not our backoff


def test_retry_after_as_http_date_is_understood(web: Any, web_settings: Settings) -> None:
    sleeps = Sleeps()
    with fetcher_for(web_settings, sleeps) as fetcher:
        assert fetcher.fetch(web.url("/flaky/503/art/2024/art_104.html?fails=1&after=date")).status == 200
    assert any(0 < s <= 2.0 for s in sleeps)


def test_retries_are_bounded_and_the_last_status_is_reported(web: Any, web_settings: Settings) -> None:
    sleeps = Sleeps()
    path = "/flaky/503/art/2024/art_104.html"
    with fetcher_for(web_settings, sleeps) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(web.url(path) + "?fails=50&after=1")
    assert caught.value.status == 503
    assert "fetch_retries=2" in str(caught.value)
    assert web.state.paths().count(path) == 3


def test_retry_after_beyond_the_limit_fails_without_waiting(web: Any, web_settings: Settings) -> None:
    sleeps = Sleeps()
    with fetcher_for(web_settings, sleeps) as fetcher, pytest.raises(HTTPStatusError, match="fetch_max_retry_after"):
        fetcher.fetch(web.url("/flaky/429/art/2024/art_104.html?fails=1&after=3600"))
    assert 3600.0 not in sleeps


def test_server_error_without_retry_after_backs_off_exponentially(web: Any, web_settings: Settings) -> None:
    sleeps = Sleeps()
    settings = web_settings.model_copy(update={"fetch_retries": 3, "fetch_backoff": 0.5})
    with fetcher_for(settings, sleeps) as fetcher, pytest.raises(HTTPStatusError):
        fetcher.fetch(web.url("/flaky/500/art/2024/art_104.html?fails=50&after=none"))
    assert [s for s in sleeps if s >= 0.5] == [0.5, 1.0, 2.0]


def test_missing_page_is_an_http_error_without_retries(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(web.url("/gone"))
    assert caught.value.status == 404
    assert web.state.paths().count("/gone") == 1


def test_slow_response_times_out(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_timeout": 0.3, "fetch_retries": 1})
    started = time.monotonic()
    with fetcher_for(settings) as fetcher, pytest.raises(FetchTimeoutError, match=r"fetch_timeout=0\.3"):
        fetcher.fetch(web.url("/slow/art/2024/art_101.html?delay=1.5"))
    assert time.monotonic() - started < 3.0
    assert web.state.paths().count("/slow/art/2024/art_101.html") == 2  # tried, then retried once


def test_trickling_response_is_cut_off_at_the_deadline(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_deadline": 0.5, "fetch_retries": 0})
    started = time.monotonic()
    with fetcher_for(settings) as fetcher, pytest.raises(FetchTimeoutError, match=r"fetch_deadline=0\.5"):
        fetcher.fetch(web.url("/trickle?chunks=20&pause=0.2"))
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/big", "/big-declared"])
def test_oversized_response_is_aborted(web: Any, web_settings: Settings, path: str) -> None:
    settings = web_settings.model_copy(update={"fetch_max_bytes": 200_000})
    with fetcher_for(settings) as fetcher, pytest.raises(ResponseTooLargeError, match="fetch_max_bytes=200000"):
        fetcher.fetch(web.url(path) + "?size=5000000")


def test_requests_to_one_host_are_spaced_by_the_host_delay(web: Any, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"fetch_host_delay": 0.25, "fetch_concurrency": 4})
    with Fetcher(settings) as fetcher:
        threads = [
            threading.Thread(target=fetcher.fetch, args=(web.url(f"/art/2024/art_{n}.html"),)) for n in (101, 102, 103)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # robots.txt and 3 pages: 4 requests, started at least the host delay apart even when asked in parallel.
    starts = sorted(seen.at for seen in web.state.requests)
    assert len(starts) == 4
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.2


def test_host_gate_never_exceeds_its_per_host_concurrency() -> None:
    gate = HostGate(delay=0.0, per_host=2, total=10)
    active = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal active, peak
        with gate.slot("gov.example"):
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.05)
            with lock:
                active -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("not a date") is None


def test_gbk_page_sent_as_utf8_is_decoded_right(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher:
        result = fetcher.fetch(web.url("/wrong-charset/art/2024/art_106.html?charset=utf-8"))
    assert result.declared_charset == "utf-8"
    assert "政务数据共享交换平台升级改造" in result.text()


def test_utf8_page_declaring_gb2312_is_decoded_right(web: Any, web_settings: Settings) -> None:
    with fetcher_for(web_settings) as fetcher:
        result = fetcher.fetch(web.url("/wrong-charset/art/2024/art_107.html?charset=gb2312"))
    assert result.declared_charset == "gb2312"
    assert "智能算力基础设施建设三年行动计划" in result.text()
