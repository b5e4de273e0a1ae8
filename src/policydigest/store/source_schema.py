"""Tables of web ingest: watched sources, the items seen on them, and the conditional-GET cache.

Migration ``0002_sources`` creates them; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from policydigest.store.schema import Base, UtcDateTime


class SourceRow(Base):
    """A watched feed or listing page and its health counters."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=360)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_new_item_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    error_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_links: Mapped[int | None] = mapped_column(Integer)
    empty_listing_streak: Mapped[int] = mapped_column(Integer, default=0)
    empty_body_streak: Mapped[int] = mapped_column(Integer, default=0)


class SeenItemRow(Base):
    """A link met on a source (or given to `add`): pending until its article is stored."""

    __tablename__ = "seen_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    redirects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class FetchCacheRow(Base):
    """Validators of the last full response for a URL, for conditional GETs."""

    __tablename__ = "fetch_cache"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class CrawlHostRow(Base):
    """When the next request to a host may start, shared by every worker (PostgreSQL row locks)."""

    __tablename__ = "crawl_hosts"

    host: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_start_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    delay_seconds: Mapped[float] = mapped_column(Float)


class RobotsRulesRow(Base):
    """An origin's robots.txt as last read, so that every worker obeys the same rules without refetching."""

    __tablename__ = "robots_rules"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(20))  # "rules", "allow" (no robots.txt) or "deny"
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class JobErrorRow(Base):
    """The last error of a queued job, kept so that the dead-letter list can say why a job failed."""

    __tablename__ = "job_errors"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    task: Mapped[str] = mapped_column(String(128))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
