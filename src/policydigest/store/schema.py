"""The store's tables (SQLAlchemy 2 typed declarative). Migrations in ``migrations/`` must match."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, always read back timezone-aware in UTC; a naive value is taken as UTC.

    SQLite keeps no offset at all and PostgreSQL's ``timestamptz`` keeps the instant but not the
    offset, so both store UTC and hand back UTC.

    >>> UtcDateTime().process_result_value(dt.datetime(2024, 3, 15, 1, 30), None).isoformat()
    '2024-03-15T01:30:00+00:00'
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return _as_utc(value)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect | None) -> dt.datetime | None:
        return _as_utc(value)


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC) if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class IssueRow(Base):
    """One issue of a series; (series, total_number) is its identity."""

    __tablename__ = "issues"
    # sqlite_autoincrement: ids of deleted rows are never handed out again (PostgreSQL's sequences agree).
    __table_args__ = (
        UniqueConstraint("series", "total_number", name="uq_issue_series_total"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(Text)
    number: Mapped[int] = mapped_column(Integer)
    total_number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    cover_headline: Mapped[str] = mapped_column(Text, default="")
    masthead: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    disclaimer: Mapped[str | None] = mapped_column(Text)
    back_matter: Mapped[list[Any]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source_file: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())

    toc: Mapped[list[TocRow]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="TocRow.position"
    )
    placements: Mapped[list[PlacementRow]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="PlacementRow.position"
    )


class TocRow(Base):
    """One entry of an issue's table of contents."""

    __tablename__ = "toc_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)

    issue: Mapped[IssueRow] = relationship(back_populates="toc")


class ArticleRow(Base):
    """An article, independent of any issue; ``content_hash`` recognises the same article again."""

    __tablename__ = "articles"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    column: Mapped[str | None] = mapped_column(Text, index=True)
    blocks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, index=True)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    enrichment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    documents: Mapped[list[Any] | None] = mapped_column(JSON, default=list)  # attachments read; NULL: stored before
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())

    provenance: Mapped[list[ProvenanceRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ProvenanceRow.id"
    )


class PlacementRow(Base):
    """An article's place in an issue: position, column and page given by the table of contents."""

    __tablename__ = "issue_articles"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    column: Mapped[str | None] = mapped_column(Text)
    toc_page: Mapped[int | None] = mapped_column(Integer)

    issue: Mapped[IssueRow] = relationship(back_populates="placements")
    article: Mapped[ArticleRow] = relationship()


class ProvenanceRow(Base):
    """One copy of an article: the file or URL it was read from."""

    __tablename__ = "provenance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(Text)
    issue_total_number: Mapped[int | None] = mapped_column(Integer)
    retrieved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    article: Mapped[ArticleRow] = relationship(back_populates="provenance")


class ArticleChangeRow(Base):
    """One committed change to an article, in commit order: the feed every web node's index follows."""

    __tablename__ = "article_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: a deleted article's change must stay, so that indexes drop it too.
    article_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
