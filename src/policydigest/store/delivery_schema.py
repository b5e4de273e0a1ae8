"""Tables of delivery (revisions 0009_delivery, 0010_delivery_limits): subscribers, their saved searches,
mailings, the send log, and the subscribe form's rate limits.

A *mailing* is one message body (an issue, an alert digest, a confirmation); a *delivery* is that
mailing for one subscriber, unique per (mailing, subscriber), so that queueing twice sends once.
``alert_sent`` remembers which articles each reader has been sent, so alerts only carry new ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from policydigest.store.schema import Base, UtcDateTime


class SubscriberRow(Base):
    """A reader's address, state, preferences and the consent they gave."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    #: pending (not confirmed) · active · unsubscribed · suppressed (by an admin) · bounced
    status: Mapped[str] = mapped_column(String(20), index=True, default="pending")
    whole_issue: Mapped[bool] = mapped_column(Boolean, default=True)
    #: What the reader follows beside the issue: facet name → values (the facets are the search stage's)
    follows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    consent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    consent_source: Mapped[str] = mapped_column(Text, default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    soft_bounces: Mapped[float] = mapped_column(Float, default=0.0)
    last_bounce_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    alerts_run_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())

    searches: Mapped[list[SavedSearchRow]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", order_by="SavedSearchRow.id"
    )


class SavedSearchRow(Base):
    """A search of the reader app (its URL query) a subscriber follows under a name."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(String(10), default="daily")
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    subscriber: Mapped[SubscriberRow] = relationship(back_populates="searches")


class MailingRow(Base):
    """One message body, sent to many: an issue, an alert digest or a confirmation."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    article_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, server_default=func.now())


class DeliveryRow(Base):
    """The send log: one mailing for one subscriber; its state says what the sender did with it."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("mailing_id", "subscriber_id", name="uq_delivery_mailing_subscriber"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    #: queued · claimed (being sent) · sent · failed (5xx or gave up) · dropped (subscriber left)
    state: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str] = mapped_column(Text, default="")

    mailing: Mapped[MailingRow] = relationship()
    subscriber: Mapped[SubscriberRow] = relationship()


class AlertSentRow(Base):
    """An article a subscriber has been sent (in an issue or an alert): alerts leave it out."""

    __tablename__ = "alert_sent"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class RateLimitRow(Base):
    """The recent events of one rate-limited key, shared by every web process (the key is hashed)."""

    __tablename__ = "delivery_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Seconds since the epoch of the events still in the window, oldest first.
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    last_at: Mapped[float] = mapped_column(Float, index=True)
