"""The inbox: every article no published issue carries, with its desk state, filters, groups and paging.

Near-duplicates (one enrichment group) show as one row, the group's canonical article, with the
number of other sources. Candidate states: new → shortlisted (in the draft) | rejected | deferred.
Each state change carries the version it was made on; a stale one raises ``ConflictError``.

The inbox keeps a small index in memory (per article: source, date, suggested column, regions, topics,
group), read once and then kept in step with the store's change feed: this process's commits at the
next read, other processes' within ``FOLLOW_SECONDS``. A page filters that index and reads only its own
rows (title, link, desk state) from the store.

>>> from policydigest.store import open_store
>>> Inbox(open_store("sqlite://")).page(InboxFilters()).total
0
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select, update

from policydigest.desk.audit import record
from policydigest.desk.read import enrichment_view
from policydigest.enrichment import upgrade_enrichment
from policydigest.errors import ConflictError, DeskError
from policydigest.store import Store
from policydigest.store.desk_schema import CandidateRow, UserRow
from policydigest.store.schema import ArticleRow, PlacementRow

#: Seconds between two reads of the change feed: what other processes write reaches the inbox this late.
FOLLOW_SECONDS = 1.0
#: Seconds of recent changes read again on each follow (see ``ArticleChanges.since``).
FOLLOW_OVERLAP = 30.0
#: Ids per ``IN (…)`` list when re-reading changed articles.
CHUNK = 500


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

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        """A field the filter form leaves empty (全部, no date) filters nothing."""
        return None if value == "" else value


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


#: The filters that pick rows by a value of the article (the index lists the rows of each value).
FACETS = ("source", "column", "region", "topic")


class _Entry(NamedTuple):
    """What the inbox filters and orders an article by (its title and link are read per page).

    A tuple of plain values: the garbage collector stops tracking it, so a full collection does not walk
    the whole inbox (a dataclass per article made every full collection of the server hundreds of ms longer).
    """

    id: int
    source: str | None
    date: dt.date | None
    column: str | None
    confidence: float | None
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    group: int | None

    def values(self) -> dict[str, tuple[str | None, ...]]:
        """The article's values of each of ``FACETS``."""
        return {"source": (self.source,), "column": (self.column,), "region": self.regions, "topic": self.topics}


@dataclass(frozen=True)
class _View:
    """The index as pages read it: rows newest first (near-duplicates folded away), what each folds, the rows
    of each filter value."""

    rows: list[_Entry]
    folded: dict[int, list[int]]
    by: dict[str, dict[str, list[_Entry]]]

    @classmethod
    def of(cls, entries: Iterable[_Entry]) -> _View:
        ordered = sorted(entries, key=lambda e: (e.date or dt.date.min, e.id), reverse=True)
        present = {e.id for e in ordered}
        folded: dict[int, list[int]] = {}
        rows = []
        by: dict[str, dict[str, list[_Entry]]] = {facet: {} for facet in FACETS}
        for e in ordered:
            if e.group is not None and e.group != e.id and e.group in present:
                folded.setdefault(e.group, []).append(e.id)
                continue
            rows.append(e)
            for facet, values in e.values().items():
                for value in values:
                    if value:
                        by[facet].setdefault(value, []).append(e)
        return cls(rows, folded, by)

    def narrow(self, f: InboxFilters) -> list[_Entry]:
        """The rows that pass the filters other than state, newest first."""
        picked = sorted((self.by[facet].get(value, []) for facet in FACETS if (value := getattr(f, facet))), key=len)
        rows = picked[0] if picked else self.rows
        for other in picked[1:]:
            keep = {e.id for e in other}
            rows = [e for e in rows if e.id in keep]
        start, end = f.date_from, f.date_to
        if start is not None:
            rows = [e for e in rows if e.date is not None and e.date >= start]
        if end is not None:
            rows = [e for e in rows if e.date is not None and e.date <= end]
        return rows


class Inbox:
    """The inbox over a store, with its in-memory index kept in step with the store's change feed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entries: dict[int, _Entry] | None = None  # None: read everything again
        self._view: _View | None = None
        self._changed: set[int] = set()  # to re-read: this process's commits and what the feed told
        self._cursor = 0  # the last change of the feed the index holds
        self._followed = 0.0
        self._lock = threading.Lock()
        store.changes.subscribe(self.forget)

    def forget(self, ids: frozenset[int] | None = None) -> None:
        """Re-read these articles at the next read (no ids: every article)."""
        with self._lock:
            if ids is None:
                self._entries = None
            else:
                self._changed.update(ids)

    def _current(self) -> _View:
        with self._lock:
            if self._entries is None:
                self._cursor = self.store.changes.latest()  # first: changes made while reading are followed later
                self._followed = time.monotonic()
                self._entries = {e.id: e for e in self._read(None)}
                self._changed.clear()
                self._view = None
            elif time.monotonic() - self._followed >= FOLLOW_SECONDS:
                ids, self._cursor = self.store.changes.since(self._cursor, overlap=FOLLOW_OVERLAP)
                self._followed = time.monotonic()
                self._changed.update(ids)
            if self._changed:
                changed = sorted(self._changed)
                self._changed.clear()
                for e_id in changed:
                    self._entries.pop(e_id, None)
                for start in range(0, len(changed), CHUNK):
                    self._entries.update((e.id, e) for e in self._read(changed[start : start + CHUNK]))
                self._view = None
            if self._view is None:
                self._view = _View.of(self._entries.values())
            return self._view

    def _read(self, ids: list[int] | None) -> list[_Entry]:
        """Index entries of these articles (None: all) that no issue carries."""
        query = select(
            ArticleRow.id, ArticleRow.source, ArticleRow.published, ArticleRow.created_at, ArticleRow.enrichment
        ).where(ArticleRow.id.not_in(select(PlacementRow.article_id)))
        if ids is not None:
            query = query.where(ArticleRow.id.in_(ids))
        entries = []
        with self.store.session() as session:
            for article_id, source, published, created, enrichment in session.execute(query):
                view = enrichment_view(upgrade_enrichment(enrichment))
                date = published or (created.date() if created else None)
                entries.append(
                    _Entry(article_id, source, date, view.column, view.confidence, view.regions, view.topics,
                           view.group)
                )
        return entries

    def _in_state(self, rows: list[_Entry], state: CandidateState) -> list[_Entry]:
        """The rows in ``state`` (an article the desk has never changed is new)."""
        ids = select(CandidateRow.article_id)
        with self.store.session() as session:
            if state is CandidateState.NEW:
                others = set(session.scalars(ids.where(CandidateRow.state != state.value)))
                return [e for e in rows if e.id not in others] if others else rows
            chosen = set(session.scalars(ids.where(CandidateRow.state == state.value)))
        return [e for e in rows if e.id in chosen]

    def _rows(self, chosen: list[_Entry], folded: dict[int, list[int]]) -> list[InboxRow]:
        """The page's rows, with title, link and desk state read for them alone."""
        query = (
            select(ArticleRow.id, ArticleRow.title, ArticleRow.url, CandidateRow.state, UserRow.name,
                   CandidateRow.public, CandidateRow.version)
            .outerjoin(CandidateRow, CandidateRow.article_id == ArticleRow.id)
            .outerjoin(UserRow, UserRow.id == CandidateRow.assignee_id)
            .where(ArticleRow.id.in_([e.id for e in chosen]))
        )
        with self.store.session() as session:
            found = {row[0]: row[1:] for row in session.execute(query)}
        rows = []
        for e in chosen:
            if e.id not in found:  # deleted since the index read it
                continue
            title, url, state, assignee, public, version = found[e.id]
            rows.append(InboxRow(
                article_id=e.id, title=title, source=e.source, date=e.date, url=url, column=e.column,
                confidence=e.confidence, regions=list(e.regions), topics=list(e.topics),
                state=CandidateState(state or CandidateState.NEW), assignee=assignee, public=bool(public),
                version=version or 0, more_sources=folded.get(e.id, []),
            ))
        return rows

    def page(self, filters: InboxFilters, *, offset: int = 0, limit: int = 50) -> InboxPage:
        """The rows matching ``filters``, newest first, near-duplicates folded into one row."""
        view = self._current()
        rows = view.narrow(filters)
        if filters.state is not None:
            rows = self._in_state(rows, filters.state)
        chosen = rows[offset : offset + limit]
        items = self._rows(chosen, view.folded) if chosen else []
        return InboxPage(items=items, total=len(rows), offset=offset, limit=limit)

    def options(self) -> dict[str, list[str]]:
        """The values each filter can take, from what the inbox holds."""
        return {facet: sorted(found) for facet, found in self._current().by.items()}

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
