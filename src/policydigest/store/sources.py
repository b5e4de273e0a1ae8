"""Crawl state in the store: sources, seen items and the conditional-GET cache.

An item is recorded ``pending`` when its link is first met and becomes ``done`` (or ``duplicate``)
in the same transaction that stores its article, so a crawl killed at any point and started again
neither loses an item nor stores one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from policydigest.model import Article
from policydigest.store.repository import Store, article_hash
from policydigest.store.schema import ArticleRow, ProvenanceRow
from policydigest.store.source_schema import FetchCacheRow, SeenItemRow, SourceRow

log = logging.getLogger(__name__)


class ItemStatus(StrEnum):
    """Where a seen item stands."""

    PENDING = "pending"  # link recorded, article not stored yet
    DONE = "done"  # its article is stored
    DUPLICATE = "duplicate"  # same content or URL as a stored article; provenance added to it
    NO_BODY = "no_body"  # fetched, but no article could be extracted
    BLOCKED = "blocked"  # refused by robots.txt or the address policy
    FAILED = "failed"  # kept failing; given up after crawl_max_attempts


@dataclass(frozen=True)
class NewLink:
    """A link to record: as found, its canonical form, and its title in the list."""

    url: str
    canonical_url: str
    title: str = ""


@dataclass(frozen=True)
class PendingItem:
    """An item still to fetch."""

    id: int
    source_id: int | None
    url: str
    title: str | None
    attempts: int


@dataclass(frozen=True)
class CacheEntry:
    """Validators of the copy of ``url`` we hold."""

    url: str
    etag: str | None
    last_modified: str | None
    final_url: str | None = None


@dataclass(frozen=True)
class SourceState:
    """A source's stored state, with its item counts."""

    name: str
    kind: str
    url: str
    interval_minutes: int
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_new_item_at: dt.datetime | None
    error_streak: int
    last_error: str | None
    last_links: int | None
    empty_listing_streak: int
    empty_body_streak: int
    items_last_28_days: int
    pending: int


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SourceRepository:
    """Reads and writes crawl state; every method is one transaction.

    >>> from policydigest.store import open_store
    >>> repo = SourceRepository(open_store("sqlite://"))
    >>> sid = repo.ensure_source("示例", "feed", "https://example.org/rss", 60)
    >>> repo.enqueue(sid, [NewLink("https://example.org/a", "https://example.org/a")])
    1
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def ensure_source(self, name: str, kind: str, url: str, interval_minutes: int) -> int:
        """The id of source ``name``, created or updated from the catalogue."""
        with self.store.session() as session, session.begin():
            row = session.scalar(select(SourceRow).where(SourceRow.name == name))
            if row is None:
                row = SourceRow(
                    name=name,
                    kind=kind,
                    url=url,
                    interval_minutes=interval_minutes,
                    error_streak=0,
                    empty_listing_streak=0,
                    empty_body_streak=0,
                )
                session.add(row)
            else:
                row.kind, row.url, row.interval_minutes = kind, url, interval_minutes
            session.flush()
            return row.id

    def last_runs(self) -> dict[str, dt.datetime | None]:
        """When each known source last ran, by name."""
        with self.store.session() as session:
            return {name: at for name, at in session.execute(select(SourceRow.name, SourceRow.last_run_at))}

    def enqueue(self, source_id: int | None, links: Sequence[NewLink], *, cache: CacheEntry | None = None) -> int:
        """Record links not seen before as pending (and the listing's validators); the count is new ones."""
        with self.store.session() as session, session.begin():
            canonicals = [link.canonical_url for link in links]
            known = set(
                session.scalars(select(SeenItemRow.canonical_url).where(SeenItemRow.canonical_url.in_(canonicals)))
            )
            added = 0
            for link in links:
                if link.canonical_url in known:
                    continue
                known.add(link.canonical_url)
                session.add(
                    SeenItemRow(
                        source_id=source_id,
                        url=link.url,
                        canonical_url=link.canonical_url,
                        title=link.title or None,
                        status=ItemStatus.PENDING,
                        attempts=0,
                        redirects=[],
                    )
                )
                added += 1
            if cache is not None:
                self._put_cache(session, cache)
            return added

    def item(self, item_id: int) -> tuple[PendingItem, ItemStatus, str | None] | None:
        """Item ``item_id``, its status and the name of the source it came from (None: from `add`)."""
        with self.store.session() as session:
            found = session.execute(
                select(SeenItemRow, SourceRow.name)
                .outerjoin(SourceRow, SourceRow.id == SeenItemRow.source_id)
                .where(SeenItemRow.id == item_id)
            ).first()
            if found is None:
                return None
            r, source = found
            item = PendingItem(id=r.id, source_id=r.source_id, url=r.url, title=r.title, attempts=r.attempts)
            return item, ItemStatus(r.status), source

    def item_for(self, canonical_url: str) -> tuple[int, ItemStatus, int | None] | None:
        """(id, status, article id) of the item with this canonical URL, if seen."""
        with self.store.session() as session:
            row = session.scalar(select(SeenItemRow).where(SeenItemRow.canonical_url == canonical_url))
            return None if row is None else (row.id, ItemStatus(row.status), row.article_id)

    def requeue(self, canonical_url: str) -> None:
        """Make a settled item pending again, with its attempts reset."""
        with self.store.session() as session, session.begin():
            row = session.scalar(select(SeenItemRow).where(SeenItemRow.canonical_url == canonical_url))
            if row is not None:
                row.status, row.attempts, row.done_at = ItemStatus.PENDING, 0, None

    def pending(self, source_id: int | None, limit: int | None = None) -> list[PendingItem]:
        """Pending items of a source (``None``: of `add`), oldest first."""
        of_source = SeenItemRow.source_id.is_(None) if source_id is None else SeenItemRow.source_id == source_id
        query = (
            select(SeenItemRow)
            .where(SeenItemRow.status == ItemStatus.PENDING, of_source)
            .order_by(SeenItemRow.id)
            .limit(limit)
        )
        with self.store.session() as session:
            return [
                PendingItem(id=r.id, source_id=r.source_id, url=r.url, title=r.title, attempts=r.attempts)
                for r in session.scalars(query)
            ]

    def complete(
        self, item_id: int, article: Article, *, final_url: str, redirects: Iterable[dict[str, object]] = ()
    ) -> tuple[ItemStatus, int]:
        """Store ``article`` and mark the item done, in one transaction; a known article is a duplicate."""
        digest = article_hash(article)
        with self.store.session() as session, session.begin():
            # Locked: two workers that fetched the same item (one taken for dead while it ran) settle it once.
            item = session.get_one(SeenItemRow, item_id, with_for_update=True)
            if item.status != ItemStatus.PENDING and item.article_id is not None:
                return ItemStatus(item.status), item.article_id
            urls = {u for u in (article.url, final_url, item.url) if u}
            same_url = session.scalar(select(ArticleRow).where(ArticleRow.url.in_(urls)).limit(1))
            same_content = session.scalar(select(ArticleRow.id).where(ArticleRow.content_hash == digest))
            if same_url is not None and same_content is None:
                # Same page, edited since: keep the stored copy, note this sighting of it.
                self._add_provenance(same_url, article)
                row = same_url
            else:
                row = self.store.upsert_article(session, article)
            session.flush()
            status = ItemStatus.DUPLICATE if (same_url is not None or same_content is not None) else ItemStatus.DONE
            item.status, item.article_id, item.content_hash = status, row.id, digest
            item.final_url, item.redirects = final_url, list(redirects)
            item.attempts += 1
            item.done_at = now()
            item.last_error = None
            return status, row.id

    @staticmethod
    def _add_provenance(row: ArticleRow, article: Article) -> None:
        known = {(p.kind, p.location) for p in row.provenance}
        for prov in article.provenance:
            if (prov.kind, prov.location) not in known:
                row.provenance.append(
                    ProvenanceRow(kind=prov.kind, location=prov.location, retrieved_at=prov.retrieved_at)
                )

    def settle(self, item_id: int, status: ItemStatus, error: str, *, max_attempts: int) -> ItemStatus:
        """Record a miss or a failure; a failing item stays pending until ``max_attempts``."""
        with self.store.session() as session, session.begin():
            item = session.get_one(SeenItemRow, item_id)
            item.attempts += 1
            item.last_error = error
            if status is ItemStatus.FAILED and item.attempts < max_attempts:
                status = ItemStatus.PENDING
            item.status = status
            if status is not ItemStatus.PENDING:
                item.done_at = now()
            return status

    def record_run(
        self,
        source_id: int,
        *,
        error: str | None,
        links: int | None = None,
        new_items: int = 0,
        tried: int = 0,
        bodies: int = 0,
    ) -> None:
        """Update a source's health after a run: streaks, last success/new item, last error."""
        stamp = now()
        with self.store.session() as session, session.begin():
            row = session.get_one(SourceRow, source_id)
            row.last_run_at = stamp
            if error is not None:
                row.error_streak += 1
                row.last_error, row.last_error_at = error, stamp
                return
            row.error_streak = 0
            row.last_success_at = stamp
            if links is None:  # listing not modified (304): it still yields what it did last time
                row.empty_listing_streak += 1 if row.last_links == 0 else 0
            else:
                row.last_links = links
                row.empty_listing_streak = row.empty_listing_streak + 1 if links == 0 else 0
            if new_items:
                row.last_new_item_at = stamp
            if tried:
                row.empty_body_streak = row.empty_body_streak + 1 if bodies == 0 else 0

    def cached(self, url: str) -> CacheEntry | None:
        """The validators stored for ``url``."""
        with self.store.session() as session:
            row = session.get(FetchCacheRow, url)
            if row is None:
                return None
            return CacheEntry(url=row.url, etag=row.etag, last_modified=row.last_modified, final_url=row.final_url)

    @staticmethod
    def _put_cache(session: Session, cache: CacheEntry) -> None:
        row = session.get(FetchCacheRow, cache.url) or FetchCacheRow(url=cache.url)
        row.etag, row.last_modified, row.final_url = cache.etag, cache.last_modified, cache.final_url
        row.fetched_at = now()
        session.add(row)

    def states(self, *, at: dt.datetime | None = None) -> list[SourceState]:
        """Every known source with its counters, by name."""
        since = (at or now()) - dt.timedelta(days=28)
        done = (ItemStatus.DONE, ItemStatus.DUPLICATE)
        recent = (
            select(func.count(SeenItemRow.id))
            .where(
                SeenItemRow.source_id == SourceRow.id,
                SeenItemRow.status.in_(done),
                or_(SeenItemRow.done_at >= since, SeenItemRow.done_at.is_(None)),
            )
            .scalar_subquery()
        )
        waiting = (
            select(func.count(SeenItemRow.id))
            .where(SeenItemRow.source_id == SourceRow.id, SeenItemRow.status == ItemStatus.PENDING)
            .scalar_subquery()
        )
        with self.store.session() as session:
            rows = session.execute(select(SourceRow, recent, waiting).order_by(SourceRow.name))
            return [
                SourceState(
                    name=r.name,
                    kind=r.kind,
                    url=r.url,
                    interval_minutes=r.interval_minutes,
                    last_run_at=r.last_run_at,
                    last_success_at=r.last_success_at,
                    last_new_item_at=r.last_new_item_at,
                    error_streak=r.error_streak,
                    last_error=r.last_error,
                    last_links=r.last_links,
                    empty_listing_streak=r.empty_listing_streak,
                    empty_body_streak=r.empty_body_streak,
                    items_last_28_days=n,
                    pending=p,
                )
                for r, n, p in rows
            ]

    def item_counts(self) -> dict[str, int]:
        """How many seen items are in each status."""
        with self.store.session() as session:
            query = select(SeenItemRow.status, func.count(SeenItemRow.id)).group_by(SeenItemRow.status)
            return {status: n for status, n in session.execute(query)}
