"""Fetching web pages and feeds politely and safely (httpx).

Every hop of a request is checked against the address policy before a connection is opened, then
against robots.txt; requests are paced per host, retried with exponential backoff (honouring
Retry-After on 429/503), made conditional when validators are known, and cut off when they grow
too large or take too long. Redirects are followed by hand so each hop can be checked and recorded.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from policydigest.errors import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)
from policydigest.ingest.address import (
    AddressPolicy,
    Resolver,
    checked_transport,
    fixed_hosts,
    parse_networks,
    system_resolver,
)
from policydigest.ingest.polite import HostGate, RobotsRules, origin
from policydigest.settings import Settings
from policydigest.store.crawl_state import CrawlState

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: How long a robots.txt another worker read is trusted before it is read again.
ROBOTS_MAX_AGE = dt.timedelta(hours=24)
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.5"


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back: the ETag and Last-Modified of the copy we hold."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """Request headers for a conditional GET.

        >>> Validators(etag='"v1"').headers()
        {'If-None-Match': '"v1"'}
        """
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Redirect:
    """One redirect hop that was followed."""

    url: str
    location: str
    status: int


@dataclass
class FetchResult:
    """A fetched resource: final address, status, headers, body and the redirects on the way."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    redirects: list[Redirect] = field(default_factory=list)
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def not_modified(self) -> bool:
        """True for a 304: the copy we hold is still current."""
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(etag=self.headers.get("etag"), last_modified=self.headers.get("last-modified"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def declared_charset(self) -> str | None:
        """The charset named in the Content-Type header, if any."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        charset = message.get_param("charset")
        return charset.strip() if isinstance(charset, str) else None

    def text(self) -> str:
        """The body as text; the charset is judged from bytes, header and meta together."""
        from policydigest.ingest.extract import decode_html

        return decode_html(self.content, declared=self.declared_charset)


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date).

    >>> retry_after_seconds("3")
    3.0
    >>> retry_after_seconds("Sun, 22 Nov 2026 10:00:05 GMT", now=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC))
    5.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class Fetcher:
    """An HTTP client for crawling: one per crawl run, shared by its threads.

    >>> from policydigest.settings import Settings
    >>> with Fetcher(Settings()) as fetcher:
    ...     fetcher.fetch("http://10.0.0.1/")
    Traceback (most recent call last):
    ...
    policydigest.errors.BlockedAddressError: 拒绝抓取 http://10.0.0.1/：10.0.0.1 是内网地址；如需允许，请设置 \
fetch_allow_private = true，或把它加入 fetch_allowed_networks
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], None] = time.sleep,
        gate: HostGate | None = None,
        shared: CrawlState | None = None,
    ) -> None:
        self.settings = settings
        self.policy = AddressPolicy(
            allow_private=settings.fetch_allow_private,
            allowed=parse_networks(settings.fetch_allowed_networks),
            resolver=fixed_hosts(settings.fetch_hosts, resolver) if settings.fetch_hosts else resolver,
        )
        self.gate = gate or HostGate(
            delay=settings.fetch_host_delay,
            per_host=settings.fetch_host_concurrency,
            total=settings.fetch_concurrency,
            sleep=sleep,
        )
        #: Where robots.txt verdicts are shared with other workers (None: this process only).
        self.shared = shared
        self._sleep = sleep
        self._robots: dict[str, RobotsRules] = {}
        self._robots_lock = threading.Lock()
        self._robots_loading: dict[str, threading.Lock] = {}
        self.client = httpx.Client(
            transport=transport or checked_transport(self.policy),
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout),
            headers={"User-Agent": settings.fetch_user_agent, "Accept": ACCEPT},
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # ---- public ------------------------------------------------------------------------------

    def fetch(self, url: str, *, validators: Validators | None = None) -> FetchResult:
        """GET ``url`` following redirects; a 304 comes back as a result with ``not_modified``."""
        return self._fetch(url, validators=validators, obey_robots=self.settings.fetch_respect_robots)

    def robots_for(self, url: str) -> RobotsRules:
        """The robots.txt rules for ``url``'s origin, fetched once per fetcher."""
        key = origin(url)
        with self._robots_lock:
            origin_lock = self._robots_loading.setdefault(key, threading.Lock())
        # One reader per origin: parallel first requests to a site wait for the same robots.txt.
        with origin_lock:
            cached = self._robots.get(key)
            if cached is not None:
                return cached
            rules = self._shared_robots(key)
            delay = rules.crawl_delay(self.settings.fetch_user_agent)
            if delay:
                self.gate.set_host_delay(urlsplit(key).netloc, delay)
            self._robots[key] = rules
            return rules

    # ---- internals ---------------------------------------------------------------------------

    def _fetch(self, url: str, *, validators: Validators | None, obey_robots: bool) -> FetchResult:
        current = url
        redirects: list[Redirect] = []
        extra = validators.headers() if validators else {}
        for _hop in range(self.settings.fetch_max_redirects + 1):
            self._check_url(current)
            if obey_robots and not self.robots_for(current).allows(current, self.settings.fetch_user_agent):
                rules = self.robots_for(current)
                why = f" ({rules.reason})" if rules.reason else ""
                raise RobotsDisallowedError(
                    f"{origin(current)} 的 robots.txt 不允许抓取 {current}{why}；设置 fetch_respect_robots 已开启",
                    url=url,
                )
            status, headers, content = self._request_with_retries(current, extra)
            location = headers.get("location")
            if status in REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                log.info("redirect %s: %s -> %s", status, current, target)
                redirects.append(Redirect(url=current, location=target, status=status))
                current = target
                continue
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                headers=headers,
                content=content,
                redirects=redirects,
            )
        raise FetchError(
            f"抓取 {url} 时重定向过多（超过 fetch_max_redirects="
            f"{self.settings.fetch_max_redirects}）；最后一跳 {current}",
            url=url,
        )

    def _shared_robots(self, key: str) -> RobotsRules:
        # Another worker may have read this origin's robots.txt already: one request per origin and day.
        stored = self.shared.robots(key, max_age=ROBOTS_MAX_AGE) if self.shared is not None else None
        if stored is not None:
            return RobotsRules.rebuild(stored.verdict, stored.body, stored.reason)
        rules = self._load_robots(key)
        if self.shared is not None:
            self.shared.save_robots(key, rules.verdict, rules.body, rules.reason)
        return rules

    def _load_robots(self, key: str) -> RobotsRules:
        url = f"{key}/robots.txt"
        try:
            result = self._fetch(url, validators=None, obey_robots=False)
        except HTTPStatusError as exc:
            # RFC 9309: a 4xx means "no rules"; a server error means "assume everything disallowed".
            if 400 <= exc.status < 500 and exc.status != 429:
                return RobotsRules.allow_all(f"robots.txt answered {exc.status}")
            return RobotsRules.deny_all(f"robots.txt answered {exc.status}")
        except BlockedAddressError:
            raise
        except FetchError as exc:
            log.warning("robots.txt of %s unreadable, treating the site as disallowed: %s", key, exc)
            return RobotsRules.deny_all(f"robots.txt unreadable: {exc}")
        log.info("robots.txt of %s read (%d bytes)", key, len(result.content))
        return RobotsRules.parse(result.content.decode("utf-8", errors="replace"))

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"不是 http(s) 地址：{url!r}", url=url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            self.policy.check(parts.hostname, port, url=url)
        except OSError as exc:
            raise FetchError(f"无法抓取 {url}：{exc}", url=url) from exc

    def _request_with_retries(self, url: str, extra: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        retries = max(0, self.settings.fetch_retries)
        host = urlsplit(url).netloc
        for attempt in range(retries + 1):
            backoff = self.settings.fetch_backoff * (2**attempt)
            try:
                with self.gate.slot(host):
                    status, headers, content = self._send(url, extra)
            except (FetchTimeoutError, httpx.TransportError) as exc:
                error = exc if isinstance(exc, FetchError) else _transport_error(url, exc, self.settings)
                if attempt == retries:
                    raise error from exc
                log.warning("%s; retry %d/%d in %.1fs", error, attempt + 1, retries, backoff)
                self._sleep(backoff)
                continue
            if status not in RETRY_STATUSES:
                if status >= 400 and status != 304:
                    raise HTTPStatusError(f"{url} 返回 HTTP {status}", url=url, status=status)
                return status, headers, content
            asked = retry_after_seconds(headers.get("retry-after"))
            if asked is not None and asked > self.settings.fetch_max_retry_after:
                raise HTTPStatusError(
                    f"{url} 返回 HTTP {status}：Retry-After {asked:.0f}s 超过 fetch_max_retry_after="
                    f"{self.settings.fetch_max_retry_after:.0f}s",
                    url=url,
                    status=status,
                )
            if attempt == retries:
                raise HTTPStatusError(
                    f"{url} 返回 HTTP {status}，已尝试 {retries + 1} 次（设置 fetch_retries={retries}）",
                    url=url,
                    status=status,
                )
            delay = asked if asked is not None else backoff
            log.warning("HTTP %s from %s; retry %d/%d in %.1fs", status, url, attempt + 1, retries, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, url: str, extra: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        limit = self.settings.fetch_max_bytes
        deadline = time.monotonic() + self.settings.fetch_deadline
        with self.client.stream("GET", url, headers=extra) as response:
            headers = {key.lower(): value for key, value in response.headers.items()}
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ResponseTooLargeError(
                    f"{url} 声明 {int(declared)} 字节，超过 fetch_max_bytes={limit}", url=url
                )
            chunks: list[bytes] = []
            size = 0
            # Decoded bytes are counted, so a compressed bomb is stopped too.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLargeError(
                        f"{url} 发送的内容超过 fetch_max_bytes={limit} 字节，已中止下载", url=url
                    )
                if time.monotonic() > deadline:
                    raise FetchTimeoutError(
                        f"{url} 用时超过 fetch_deadline={self.settings.fetch_deadline}s，已中止",
                        url=url,
                    )
                chunks.append(chunk)
            return response.status_code, headers, b"".join(chunks)


def _transport_error(url: str, exc: httpx.TransportError, settings: Settings) -> FetchError:
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeoutError(
            f"{url} 在 fetch_timeout={settings.fetch_timeout}s 内没有应答（{type(exc).__name__}）",
            url=url,
        )
    return FetchError(f"无法抓取 {url}：{type(exc).__name__}: {exc}", url=url)
