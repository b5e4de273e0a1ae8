"""Tables of web ingest: watched sources, the items seen on them, and the conditional-GET cache.

Migration ``0002_sources`` creates them; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, func
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
