"""Which stored articles a committed transaction touched, told to subscribers after the commit.

Derived data (the search index) must follow the store on every write, whichever code path wrote:
issue import, web ingest, enrichment. Rather than each path calling the index, the store's sessions
report the ids of articles whose row, placements or provenance changed, once the transaction has
committed (a rolled-back transaction reports nothing). Subscribers reload those ids: an id that is
no longer stored has been deleted.

ORM changes (add, update, delete) and ORM bulk ``update()``/``delete()`` statements are seen; raw
SQL text executed on a session is not (nothing in the project writes articles that way).

Listeners hear only this process's writes. Every commit also records its article ids in the
``article_changes`` table, in the same transaction, so that other processes (every web node keeps
its own search index) follow the same changes with ``changes_since``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, func, insert, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from policydigest.store.schema import ArticleChangeRow, ArticleRow, PlacementRow, ProvenanceRow

log = logging.getLogger(__name__)

#: Called after a commit with the ids of the articles that may have changed or gone.
ChangeListener = Callable[[frozenset[int]], None]

_KEY = "policydigest.changed_article_ids"
#: Mapped classes whose rows belong to an article, and the attribute naming that article.
_TRACKED: dict[type[Any], str] = {ArticleRow: "id", PlacementRow: "article_id", ProvenanceRow: "article_id"}


class ArticleChanges:
    """Collects changed article ids per session and tells the listeners after each commit.

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> seen = []
    >>> store.changes.subscribe(seen.append)
    >>> from policydigest.model import Article, Issue
    >>> import datetime as dt
    >>> issue = Issue(series="s", number=1, total_number=1, date=dt.date(2025, 1, 1), articles=[Article(title="t")])
    >>> _ = store.save_issue(issue)
    >>> seen
    [frozenset({1})]
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._listeners: list[ChangeListener] = []
        self._sessions = sessions
        event.listen(sessions, "after_flush", self._after_flush)
        event.listen(sessions, "do_orm_execute", self._before_bulk)
        event.listen(sessions, "before_commit", self._record)
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_rollback", self._after_rollback)

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener`` with the changed article ids after every commit that changed any (once, if added twice)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        """Stop calling ``listener``."""
        self._listeners.remove(listener)

    def latest(self) -> int:
        """The id of the newest recorded change (0 when none): where a freshly built index starts following."""
        with self._sessions() as session:
            return session.scalar(select(func.max(ArticleChangeRow.id))) or 0

    def since(self, cursor: int, *, overlap: float) -> tuple[frozenset[int], int]:
        """Articles changed after change ``cursor`` (by any process), and the new cursor.

        Changes of the last ``overlap`` seconds are read again even below the cursor: a transaction that
        took its change id before another but committed after it is not skipped (re-indexing is harmless).
        """
        recent = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=overlap)
        query = select(ArticleChangeRow.id, ArticleChangeRow.article_id).where(
            or_(ArticleChangeRow.id > cursor, ArticleChangeRow.at >= recent)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return frozenset(row.article_id for row in rows), max([cursor, *(row.id for row in rows)])

    @staticmethod
    def _pending(session: Session) -> set[int]:
        found: set[int] = session.info.setdefault(_KEY, set())
        return found

    def _after_flush(self, session: Session, _context: Any) -> None:
        pending = self._pending(session)
        for obj in (*session.new, *session.dirty, *session.deleted):
            attribute = _TRACKED.get(type(obj))
            if attribute is not None:
                value = getattr(obj, attribute, None)
                if value is not None:
                    pending.add(int(value))

    def _before_bulk(self, state: ORMExecuteState) -> None:
        # A bulk UPDATE/DELETE names no objects: find the rows it is about to touch first.
        if not (state.is_update or state.is_delete) or state.bind_mapper is None:
            return
        attribute = _TRACKED.get(state.bind_mapper.class_)
        if attribute is None:
            return
        column = getattr(state.bind_mapper.class_, attribute)
        where = state.statement.whereclause  # type: ignore[attr-defined]
        query = select(column) if where is None else select(column).where(where)
        ids = state.session.execute(query, state.parameters or {}).scalars()
        self._pending(state.session).update(int(i) for i in ids if i is not None)

    def _record(self, session: Session) -> None:
        session.flush()  # the last changes reach _after_flush first
        pending = session.info.get(_KEY)
        if pending:
            at = dt.datetime.now(dt.UTC)
            session.execute(insert(ArticleChangeRow), [{"article_id": i, "at": at} for i in sorted(pending)])

    def _after_commit(self, session: Session) -> None:
        pending = session.info.pop(_KEY, None)
        if not pending:
            return
        ids = frozenset(pending)
        for listener in list(self._listeners):
            try:
                listener(ids)
            except Exception:  # the commit stands: a failing listener must not undo or abort the write
                log.exception("a store change listener failed for %d article(s)", len(ids))

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(_KEY, None)

