"""Crawl state that every worker shares: when each host may next be asked, and each origin's robots.txt.

On PostgreSQL a host's row is locked while a worker reserves its next start time, so N workers
together keep the host's pacing; the database's clock decides, so the workers' clocks need not
agree. On SQLite the same calls work (one process at a time holds the write lock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from policydigest.store.repository import Store
from policydigest.store.source_schema import CrawlHostRow, RobotsRulesRow


@dataclass(frozen=True)
class StoredRobots:
    """An origin's robots.txt verdict as some worker read it."""

    verdict: str  # "rules", "allow" or "deny"
    body: str
    reason: str
    fetched_at: dt.datetime


class CrawlState:
    """Shared pacing and robots.txt of the crawl.

    >>> from policydigest.store import open_store
    >>> state = CrawlState(open_store("sqlite://"))
    >>> first, second = state.reserve("example.org", delay=60.0), state.reserve("example.org", delay=60.0)
    >>> first <= 0.0, 50.0 < second <= 60.0
    (True, True)
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def _insert(self) -> type[pg_insert] | type[sqlite_insert]:  # type: ignore[valid-type]
        return pg_insert if self.store.engine.dialect.name == "postgresql" else sqlite_insert  # type: ignore[return-value]

    def reserve(self, host: str, *, delay: float) -> float:
        """Reserve the next start for a request to ``host``; the seconds to wait before sending it (≤ 0: now)."""
        with self.store.session() as session, session.begin():
            clock = func.clock_timestamp() if session.bind and session.bind.dialect.name == "postgresql" else None
            now = session.scalar(select(clock)) if clock is not None else dt.datetime.now(dt.UTC)
            assert now is not None
            session.execute(
                self._insert()(CrawlHostRow)  # type: ignore[misc]
                .values(host=host, next_start_at=now, delay_seconds=delay)
                .on_conflict_do_nothing(index_elements=["host"])
            )
            # The row lock queues every worker that wants this host behind the one reserving now.
            row = session.scalars(select(CrawlHostRow).where(CrawlHostRow.host == host).with_for_update()).one()
            row.delay_seconds = max(row.delay_seconds, delay)
            start = max(now, row.next_start_at)
            row.next_start_at = start + dt.timedelta(seconds=row.delay_seconds)
            return (start - now).total_seconds()

    def robots(self, origin: str, *, max_age: dt.timedelta) -> StoredRobots | None:
        """The robots.txt verdict some worker stored for ``origin`` within ``max_age``, else None."""
        with self.store.session() as session:
            row = session.get(RobotsRulesRow, origin)
            if row is None or dt.datetime.now(dt.UTC) - row.fetched_at > max_age:
                return None
            return StoredRobots(row.verdict, row.body, row.reason, row.fetched_at)

    def save_robots(self, origin: str, verdict: str, body: str, reason: str) -> None:
        """Store what ``origin``'s robots.txt said, for every worker."""
        with self.store.session() as session, session.begin():
            row = session.get(RobotsRulesRow, origin) or RobotsRulesRow(origin=origin)
            row.verdict, row.body, row.reason, row.fetched_at = verdict, body, reason, dt.datetime.now(dt.UTC)
            session.add(row)
