"""Work that a write causes, recorded in the write's own transaction (the transactional outbox).

A layer above the store (the job queue) registers a hook per table: when a transaction inserts rows
of that table (a new article, a newly seen link), the hook runs just before the commit, on the same
connection, with the new rows' ids. What the hook writes (a queued job) commits or rolls back with
the change that caused it, so a crash can neither lose the job nor queue one for a change that
never happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

#: Called before the commit with the session and the ids of the rows of one table it inserted.
OutboxHook = Callable[[Session, list[int]], None]
_KEY = "policydigest.inserted_rows"


class Outbox:
    """Runs registered hooks on the rows each transaction inserts, inside that transaction.

    >>> from policydigest.store import open_store
    >>> from policydigest.store.schema import ArticleRow
    >>> store = open_store("sqlite://")
    >>> seen = []
    >>> store.outbox.on_insert(ArticleRow, lambda session, ids: seen.extend(ids))
    >>> from policydigest.model import Article, Issue
    >>> import datetime as dt
    >>> _ = store.save_issue(Issue(series="s", number=1, total_number=1, date=dt.date(2025, 1, 1),
    ...                            articles=[Article(title="t")]))
    >>> seen
    [1]
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._hooks: dict[type[Any], list[OutboxHook]] = {}
        event.listen(sessions, "after_flush", self._after_flush)
        event.listen(sessions, "before_commit", self._before_commit)
        event.listen(sessions, "after_rollback", self._forget)
        event.listen(sessions, "after_commit", self._forget)

    def on_insert(self, table: type[Any], hook: OutboxHook) -> None:
        """Call ``hook(session, ids)`` before every commit that inserted rows of the mapped class ``table``."""
        self._hooks.setdefault(table, []).append(hook)

    def _after_flush(self, session: Session, _context: Any) -> None:
        if not self._hooks:
            return
        inserted: dict[type[Any], list[Any]] = session.info.setdefault(_KEY, {})
        for obj in session.new:
            if type(obj) in self._hooks:
                inserted.setdefault(type(obj), []).append(obj)

    def _before_commit(self, session: Session) -> None:
        if not self._hooks:
            return
        session.flush()  # the last changes get their ids (and reach _after_flush) before the hooks run
        inserted: dict[type[Any], list[Any]] = session.info.pop(_KEY, {})
        for table, rows in inserted.items():
            ids = [row.id for row in rows if row.id is not None]
            for hook in self._hooks.get(table, []):
                if ids:
                    hook(session, ids)  # a failing hook fails the commit: the change and its work go together

    @staticmethod
    def _forget(session: Session) -> None:
        session.info.pop(_KEY, None)
