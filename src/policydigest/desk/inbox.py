"""The inbox: every article no published issue carries, with its desk state, filters, groups and paging.

Near-duplicates (one enrichment group) show as one row, the group's canonical article, with the
number of other sources. Candidate states: new → shortlisted (in the draft) | rejected | deferred.
Each state change carries the version it was made on; a stale one raises ``ConflictError``.

>>> from policydigest.store import open_store
>>> Inbox(open_store("sqlite://")).page(InboxFilters()).total
0
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select, update

from policydigest.desk.audit import record
from policydigest.desk.read import enrichment_view
from policydigest.enrichment import upgrade_enrichment
from policydigest.errors import ConflictError, DeskError
from policydigest.store import Store
from policydigest.store.desk_schema import CandidateRow, UserRow
from policydigest.store.schema import ArticleRow, PlacementRow

#: Seconds the inbox's article list is reused when no write of this process cleared it.
CACHE_SECONDS = 30.0


class CandidateState(StrEnum):
    """Where a candidate is on the desk."""

    NEW = "new"
    SHORTLISTED = "shortlisted"  # in the draft
    REJECTED = "rejected"
    DEFERRED = "deferred"  # to the next issue


STATE_LABELS = {"new": "新稿", "shortlisted": "已入本期", "rejected": "不用", "deferred": "下期再议"}


class InboxFilters(BaseModel):
    """What the inbox shows: every filter is optional."""

    source: str | None = Field(default=None, max_length=200)
    column: str | None = Field(default=None, max_length=50)
    region: str | None = Field(default=None, max_length=50)
    topic: str | None = Field(default=None, max_length=50)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: CandidateState | None = None


class InboxRow(BaseModel):
    """One row of the inbox: a candidate (with the near-duplicates folded into it)."""

    article_id: int
    title: str
    source: str | None
    date: dt.date | None
    url: str | None
    column: str | None = Field(description="The column enrichment suggests.")
    confidence: float | None
    regions: list[str]
    topics: list[str]
    state: CandidateState
    assignee: str | None
    public: bool
    version: int = Field(description="Send it back with a change: a stale version is refused (409).")
    more_sources: list[int] = Field(description="Ids of the near-duplicates folded into this row.")
    score: float | None = None
    explanation: str = Field(default="", description="Why it ranks where it does (score parts).")


class InboxPage(BaseModel):
    """One page of the inbox."""

    items: list[InboxRow]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class _Entry:
    id: int
    title: str
    source: str | None
    date: dt.date | None
    url: str | None
    column: str | None
    confidence: float | None
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    group: int | None


@dataclass(frozen=True)
class _Desk:
    state: CandidateState
    assignee: str | None
    public: bool
    version: int


_NEW = _Desk(CandidateState.NEW, None, False, 0)


@dataclass(frozen=True)
class _Loaded:
    """The inbox's articles as loaded: rows (near-duplicates folded away), what each folds, filter values."""

    rows: list[_Entry]
    folded: dict[int, list[int]]
    options: dict[str, list[str]]

    @classmethod
    def of(cls, entries: list[_Entry]) -> _Loaded:
        present = {e.id for e in entries}
        folded: dict[int, list[int]] = {}
        rows = []
        for e in entries:
            if e.group is not None and e.group != e.id and e.group in present:
                folded.setdefault(e.group, []).append(e.id)
            else:
                rows.append(e)
        options = {
            "source": sorted({e.source for e in entries if e.source}),
            "column": sorted({e.column for e in entries if e.column}),
            "region": sorted({r for e in entries for r in e.regions}),
            "topic": sorted({t for e in entries for t in e.topics}),
        }
        return cls(rows, folded, options)


class Inbox:
    """The inbox over a store; its article list is cached until this process writes an article."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entries: _Loaded | None = None
        self._loaded = 0.0
        self._lock = threading.Lock()
        store.changes.subscribe(self.forget)

    def forget(self, _ids: frozenset[int] | None = None) -> None:
        """Drop the cached article list (after a write)."""
        with self._lock:
            self._entries = None

    def _all(self) -> _Loaded:
        with self._lock:
            if self._entries is not None and time.monotonic() - self._loaded < CACHE_SECONDS:
                return self._entries
        query = select(
            ArticleRow.id, ArticleRow.title, ArticleRow.source, ArticleRow.published, ArticleRow.created_at,
            ArticleRow.url, ArticleRow.enrichment,
        ).where(ArticleRow.id.not_in(select(PlacementRow.article_id)))
        entries = []
        with self.store.session() as session:
            for article_id, title, source, published, created, url, enrichment in session.execute(query):
                view = enrichment_view(upgrade_enrichment(enrichment))
                date = published or (created.date() if created else None)
                entries.append(
                    _Entry(article_id, title, source, date, url, view.column, view.confidence, view.regions,
                           view.topics, view.group)
                )
        entries.sort(key=lambda e: (e.date or dt.date.min, e.id), reverse=True)
        loaded = _Loaded.of(entries)
        with self._lock:
            self._entries, self._loaded = loaded, time.monotonic()
        return loaded

    def _desk(self) -> dict[int, _Desk]:
        query = select(CandidateRow.article_id, CandidateRow.state, UserRow.name, CandidateRow.public,
                       CandidateRow.version).outerjoin(UserRow, UserRow.id == CandidateRow.assignee_id)
        with self.store.session() as session:
            return {a: _Desk(CandidateState(s), n, p, v) for a, s, n, p, v in session.execute(query)}

    def page(self, filters: InboxFilters, *, offset: int = 0, limit: int = 50) -> InboxPage:
        """The rows matching ``filters``, newest first, near-duplicates folded into one row."""
        loaded = self._all()
        desk = self._desk()
        if filters == InboxFilters():
            rows = loaded.rows
        else:
            rows = [e for e in loaded.rows if _matches(e, desk.get(e.id, _NEW), filters)]
        chosen = rows[offset : offset + limit]
        items = [_row(e, desk.get(e.id, _NEW), loaded.folded.get(e.id, [])) for e in chosen]
        return InboxPage(items=items, total=len(rows), offset=offset, limit=limit)

    def options(self) -> dict[str, list[str]]:
        """The values each filter can take, from what the inbox holds."""
        return self._all().options

    # ---- changes ----------------------------------------------------------------------------------

    def change(self, article_id: int, version: int, by: str, action: str, **values: Any) -> int:
        """Set ``values`` (state, assignee_id, public) of a candidate made on ``version``; the new version."""
        with self.store.session() as session, session.begin():
            if session.get(ArticleRow, article_id) is None:
                raise DeskError(f"没有文章 #{article_id}")
            row = session.get(CandidateRow, article_id)
            if row is None:
                row = CandidateRow(article_id=article_id, state="new", public=False, version=0)
                session.add(row)
                session.flush()
            before = {"state": row.state, "assignee_id": row.assignee_id, "public": row.public}
            if row.version != version:
                current = {**before, "version": row.version}
                raise ConflictError(f"文章 #{article_id} 已被他人修改（当前版本 {row.version}）", current=current)
            done = session.execute(
                update(CandidateRow)
                .where(CandidateRow.article_id == article_id, CandidateRow.version == version)
                .values(**values, version=version + 1, updated_at=dt.datetime.now(dt.UTC))
            )
            if getattr(done, "rowcount", 1) != 1:
                raise ConflictError(f"文章 #{article_id} 刚被他人修改，请刷新", current=before)
            record(session, by, action, "article", article_id, before, {**before, **values})
        return version + 1

    def version(self, article_id: int) -> int:
        """The desk version of a candidate (0 before any change)."""
        with self.store.session() as session:
            found = session.scalar(select(CandidateRow.version).where(CandidateRow.article_id == article_id))
            return found or 0

    def user_id(self, name: str) -> int:
        """The id of the account ``name``."""
        with self.store.session() as session:
            found = session.scalar(select(UserRow.id).where(UserRow.name == name))
        if found is None:
            raise DeskError(f"没有用户 {name}")
        return found


def _matches(e: _Entry, desk: _Desk, f: InboxFilters) -> bool:
    return (
        (f.source is None or e.source == f.source)
        and (f.column is None or e.column == f.column)
        and (f.region is None or f.region in e.regions)
        and (f.topic is None or f.topic in e.topics)
        and (f.date_from is None or (e.date is not None and e.date >= f.date_from))
        and (f.date_to is None or (e.date is not None and e.date <= f.date_to))
        and (f.state is None or desk.state is f.state)
    )


def _row(e: _Entry, desk: _Desk, more: list[int]) -> InboxRow:
    return InboxRow(
        article_id=e.id,
        title=e.title,
        source=e.source,
        date=e.date,
        url=e.url,
        column=e.column,
        confidence=e.confidence,
        regions=list(e.regions),
        topics=list(e.topics),
        state=desk.state,
        assignee=desk.assignee,
        public=desk.public,
        version=desk.version,
        more_sources=more,
    )
