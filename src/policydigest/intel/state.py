"""Where the intelligence tables stand against the store: the change they were built at, and one builder at a time.

The tables are shared by every process (web nodes, workers, the CLI), so their position in the store's
change feed (``article_changes``) is kept in the store too (``intel_state``): a writer builds what
changed after it, and a page compares it with the newest change to tell readers the build is behind.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text

from policydigest.store import Store
from policydigest.store.intel_schema import IntelStateRow

#: The PostgreSQL advisory lock builders take (any fixed number; "intel" in ASCII).
ADVISORY_KEY = 0x696E74656C
#: Seconds of recent changes read again on each update, so that a transaction that took its change id
#: before another but committed after it is not skipped. Ids are taken just before COMMIT, so the gap is
#: short; each update reloads the articles of this window (to compare fingerprints), so it is kept small.
FOLLOW_OVERLAP = 10.0
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


@dataclass(frozen=True)
class IntelState:
    """The change the tables were last built at, with the rules' version then."""

    change: int
    version: str
    built_at: dt.datetime


def read_state(store: Store) -> IntelState | None:
    """Where the last build stopped, or None when the tables were never built.

    >>> from policydigest.store import open_store
    >>> read_state(open_store("sqlite://")) is None
    True
    """
    with store.session() as session:
        row = session.get(IntelStateRow, 1)
        return None if row is None else IntelState(row.change, row.version, row.built_at)


def record_state(store: Store, change: int, version: str) -> None:
    """Record that the tables now hold every change up to ``change`` (never moved back).

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> record_state(store, 3, "2"); record_state(store, 1, "2"); read_state(store).change
    3
    """
    with store.write_session() as session, session.begin():
        row = session.get(IntelStateRow, 1)
        if row is None:
            row = IntelStateRow(id=1, change=change, version=version)
            session.add(row)
        elif row.version != version:
            row.version, row.change = version, change
        else:
            row.change = max(row.change, change)
        row.built_at = dt.datetime.now(dt.UTC)


def behind(store: Store, version: str) -> bool:
    """Whether the store changed after the last build (or the tables were never built, or by other rules).

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> behind(store, "2"), record_state(store, 0, "2"), behind(store, "2")
    (True, None, False)
    """
    state = read_state(store)
    return state is None or state.version != version or state.change < store.changes.latest()


@contextmanager
def exclusive(store: Store) -> Iterator[None]:
    """One build at a time: per store in this process, and across processes on PostgreSQL (an advisory lock).

    >>> from policydigest.store import open_store
    >>> with exclusive(open_store("sqlite://")):
    ...     pass
    """
    key = str(store.engine.url)
    with _LOCKS_LOCK:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if store.engine.dialect.name != "postgresql":
            yield  # SQLite is one machine's store: its writers are this process and the occasional command
            return
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
