"""Politeness: per-host pacing and concurrency, and robots.txt rules (RFC 9309, via protego)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from policydigest.store.crawl_state import CrawlState

log = logging.getLogger(__name__)


class HostGate:
    """Limits requests in flight (in all and per host) and spaces requests to one host.

    >>> gate = HostGate(delay=0.0, per_host=1, total=2)
    >>> with gate.slot("example.org"):
    ...     pass
    """

    def __init__(
        self,
        *,
        delay: float,
        per_host: int,
        total: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = delay
        self.per_host = max(1, per_host)
        self._total = threading.BoundedSemaphore(max(1, total))
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._clock = clock
        self._sleep = sleep

    def set_host_delay(self, host: str, delay: float) -> None:
        """Space requests to ``host`` by ``delay`` seconds at least (robots.txt Crawl-delay)."""
        with self._lock:
            self._delays[host] = max(self.delay, delay)

    def _host_semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            return self._hosts.setdefault(host, threading.BoundedSemaphore(self.per_host))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold a request slot for ``host``; waits for capacity and for the host's pacing."""
        host_semaphore = self._host_semaphore(host)
        with host_semaphore, self._total:
            with self._lock:
                # Reserve the next start time under the lock so parallel callers queue up in order.
                now = self._clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delays.get(host, self.delay)
            if start > now:
                self._sleep(start - now)
            yield


class SharedHostGate(HostGate):
    """A :class:`HostGate` whose per-host pacing is shared by every worker through the store.

    Concurrency limits stay per process; the spacing of request starts to one host holds across all
    processes, because each start is reserved under the host's row lock (:class:`CrawlState`).
    """

    def __init__(
        self, state: CrawlState, *, delay: float, per_host: int, total: int, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(delay=delay, per_host=per_host, total=total, sleep=sleep)
        self.state = state

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold a request slot for ``host`` once every worker's earlier reservations have had their turn."""
        with self._host_semaphore(host), self._total:
            with self._lock:
                delay = self._delays.get(host, self.delay)
            for _attempt in range(MAX_RESERVATIONS):
                asked = self._clock()  # before the round trip: a slow reservation counts as lateness too
                wait = self.state.reserve(host, delay=delay * (1 + PACE_MARGIN))
                due = asked + max(wait, 0.0)
                if wait > 0:
                    self._sleep(wait)
                # A worker woken late would bunch up with the next ones: it takes a new turn instead.
                if self._clock() - due <= max(delay / 2, LATE_GRACE):
                    break
            yield


#: Extra spacing of reserved turns: the host sees each request a little earlier or later than its turn
#: (every process in between is scheduled), and the margin keeps the pace as the host measures it.
PACE_MARGIN = 0.1
#: Turns a late worker takes at most before it sends anyway (a machine too busy to keep any pace).
MAX_RESERVATIONS = 5
#: Lateness tolerated on a turn, in seconds, when the host's pace is very short.
LATE_GRACE = 0.005


@dataclass(frozen=True)
class RobotsRules:
    """The robots.txt rules of one origin; ``None`` parser means "everything allowed"."""

    parser: Protego | None
    disallow_all: bool = False
    reason: str = ""
    body: str = ""  # the robots.txt text itself, so other workers can rebuild the rules

    @property
    def verdict(self) -> str:
        """How to rebuild the rules: "rules" (parse ``body``), "allow" or "deny" (no usable robots.txt)."""
        return "deny" if self.disallow_all else "allow" if self.parser is None else "rules"

    @classmethod
    def rebuild(cls, verdict: str, body: str, reason: str) -> RobotsRules:
        """The rules another worker read, from what it stored.

        >>> RobotsRules.rebuild("rules", "User-agent: *\\nDisallow: /a", "").allows("http://h/a", "bot")
        False
        """
        if verdict == "rules":
            return cls.parse(body)
        return cls.deny_all(reason) if verdict == "deny" else cls.allow_all(reason)

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether ``url`` may be fetched by ``user_agent``.

        >>> RobotsRules.parse("User-agent: *\\nDisallow: /private/").allows("http://h/private/a", "bot")
        False
        """
        if self.disallow_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float:
        """The Crawl-delay asked for ``user_agent`` (0 when none)."""
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay else 0.0

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        return cls(parser=Protego.parse(text), body=text)

    @classmethod
    def allow_all(cls, reason: str) -> RobotsRules:
        return cls(parser=None, reason=reason)

    @classmethod
    def deny_all(cls, reason: str) -> RobotsRules:
        return cls(parser=None, disallow_all=True, reason=reason)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: the scope of one robots.txt.

    >>> origin("https://www.gov.cn/zhengce/index.htm?x=1")
    'https://www.gov.cn'
    """
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
