"""Tables of policy intelligence (revision 0008_intel), derived from stored articles and rebuilt from them.

Per article: the documents it names (``intel_mentions``), the higher documents it follows up
(``intel_followups``) and its quantitative targets (``intel_targets``); ``intel_built`` records which
version of each article they were computed from, so a rebuild only redoes changed articles. Documents
(``intel_documents``) are the mentions grouped by normalised name. ``intel_state`` (revision
0011_intel_state) records the change of the store's change feed the tables were last built at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from policydigest.store.schema import Base, UtcDateTime


class IntelBuiltRow(Base):
    """The fingerprint of the article content and facts the article's intelligence rows came from."""

    __tablename__ = "intel_built"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))


class IntelStateRow(Base):
    """Where the last build stopped: the newest change of ``article_changes`` it had read, and its rules."""

    __tablename__ = "intel_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one row
    change: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(20))
    built_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class IntelDocumentRow(Base):
    """A policy document: its mentions grouped by normalised name, with the facts of the announcing one."""

    __tablename__ = "intel_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    issuers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    government: Mapped[str | None] = mapped_column(String(80))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    first_seen: Mapped[dt.date | None] = mapped_column(Date)
    announcing_article_id: Mapped[int | None] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer, default=0)


class IntelMentionRow(Base):
    """One article naming one document, with what the article says about it."""

    __tablename__ = "intel_mentions"
    __table_args__ = (UniqueConstraint("article_id", "key", name="uq_intel_mention"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    announces: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    issuers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    government: Mapped[str | None] = mapped_column(String(80))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    date: Mapped[dt.date | None] = mapped_column(Date)


class IntelFollowUpRow(Base):
    """An article following up a document it names (or a programme it continues), with the evidence sentence."""

    __tablename__ = "intel_followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    parent_key: Mapped[str] = mapped_column(String(400), index=True)
    child_key: Mapped[str | None] = mapped_column(String(400))
    relation: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[dt.date | None] = mapped_column(Date)


class IntelTargetRow(Base):
    """A quantitative target, normalised: metric, bounds, unit, deadline, and where it was set."""

    __tablename__ = "intel_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(Text)
    comparator: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    issuer: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
