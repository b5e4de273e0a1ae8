"""Tables of draft issues (revision 0002_compose): a draft and its candidate articles.

A draft lives beside the issues until it is published; publishing writes an ordinary ``issues``
row (with its table of contents and placements) and points the draft at it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from policydigest.store.schema import ArticleRow, Base, UtcDateTime


class DraftRow(Base):
    """A draft issue of a series; (series, total_number) is unique among drafts."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("series", "total_number", name="uq_draft_series_total"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    total_number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    window_from: Mapped[dt.date] = mapped_column(Date)
    window_to: Mapped[dt.date] = mapped_column(Date)
    cover_headline: Mapped[str] = mapped_column(Text, default="")
    cover_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    numbering_reason: Mapped[str] = mapped_column(Text, default="")
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, server_default=func.now(), onupdate=func.now()
    )

    items: Mapped[list[DraftItemRow]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftItemRow.position"
    )


class DraftItemRow(Base):
    """A candidate article of a draft: its column, place, state, score and the score's explanation."""

    __tablename__ = "draft_items"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True)
    column: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    explanation: Mapped[list[Any]] = mapped_column(JSON, default=list)
    column_reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    new_title: Mapped[str | None] = mapped_column(Text)
    # Added by revision 0006_desk: the desk edits lead, source and link inline.
    new_lead: Mapped[str | None] = mapped_column(Text)
    new_source: Mapped[str | None] = mapped_column(Text)
    new_url: Mapped[str | None] = mapped_column(Text)
    original_title: Mapped[str | None] = mapped_column(Text)  # revision 0004_original_title

    draft: Mapped[DraftRow] = relationship(back_populates="items")
    article: Mapped[ArticleRow] = relationship()
