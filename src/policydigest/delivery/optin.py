"""The public side of subscribing: a rate-limited request, the confirmation mail, confirming.

The answer to a request never depends on whether the address subscribes already.
"""

from __future__ import annotations

import hashlib
import html
import logging
import time

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from policydigest.delivery.sending import deliver, queue_mailing
from policydigest.delivery.subscribers import (
    CONSENT_TEXT,
    Preferences,
    Subscriber,
    confirm,
    normalize_address,
    request_subscription,
)
from policydigest.delivery.tokens import Purpose, link, read_token
from policydigest.errors import DeliveryError
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.delivery_schema import RateLimitRow, SubscriberRow

log = logging.getLogger(__name__)
CONFIRM_SUBJECT = "请确认订阅"
HOUR = 3600.0


class RateLimitedError(DeliveryError):
    """Too many requests from one address or IP in the last hour."""


class RateLimiter:
    """At most ``limit`` events per key in a sliding ``window`` of seconds, kept in the store so that every
    web process over it shares the count (keys are stored hashed: no address or IP is kept).

    On PostgreSQL the key's row is locked while one request counts, so N processes together keep the
    limit; on SQLite the write lock does the same. Times are the processes' clocks (seconds since the epoch).

    >>> from policydigest.store import open_store
    >>> limiter = RateLimiter(open_store("sqlite://"), 2, name="ip")
    >>> [limiter.allow("k", at=t) for t in (0, 1, 2, 3601)]
    [True, True, False, True]
    """

    #: Forget idle keys after this many counts in a process (a long-running server would grow the table).
    PURGE_EVERY = 500

    def __init__(self, store: Store, limit: int, window: float = HOUR, *, name: str) -> None:
        self.store, self.limit, self.window, self.name = store, limit, window, name
        self._counted = 0

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self.name}:{key}".encode()).hexdigest()

    def allow(self, key: str, *, at: float | None = None) -> bool:
        """Count one event for ``key``; whether it is within the limit (an event over it is not counted)."""
        moment = time.time() if at is None else at
        hashed = self._key(key)
        dialect = self.store.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        with self.store.write_session() as session, session.begin():
            session.execute(
                insert(RateLimitRow).values(key=hashed, events=[], last_at=moment).on_conflict_do_nothing()
            )
            # The row lock queues every process counting this key behind the one counting now.
            row = session.scalars(select(RateLimitRow).where(RateLimitRow.key == hashed).with_for_update()).one()
            events = [e for e in row.events if isinstance(e, int | float) and e > moment - self.window]
            allowed = len(events) < self.limit
            row.events = [*events, moment] if allowed else events
            row.last_at = max(moment, row.last_at)
        self._counted += 1
        if self._counted % self.PURGE_EVERY == 0:
            self.purge(moment)
        return allowed

    def purge(self, at: float | None = None) -> None:
        """Delete the keys with no event in the window (best effort: a failure is logged and left to the next)."""
        cutoff = (time.time() if at is None else at) - self.window
        try:
            with self.store.write_session() as session, session.begin():
                session.execute(delete(RateLimitRow).where(RateLimitRow.last_at <= cutoff))
        except DBAPIError as exc:  # two purges at once may deadlock on PostgreSQL
            log.info("rate limits not purged: %s", exc.orig)


class SubscribeDesk:
    """Takes subscribe requests for one web app: limits, records consent, queues and sends the confirmation."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self.per_address = RateLimiter(store, settings.subscribe_limit_per_address, name="subscribe-address")
        self.per_ip = RateLimiter(store, settings.subscribe_limit_per_ip, name="subscribe-ip")

    def request(self, email: str, *, ip: str, prefs: Preferences | None = None) -> None:
        """Handle one request; ``InvalidAddressError`` or ``RateLimitedError`` when refused, else silence."""
        address = normalize_address(email)
        if not self.per_ip.allow(ip) or not self.per_address.allow(address.lower()):
            raise RateLimitedError("请求过于频繁，请稍后再试")
        _, due = request_subscription(
            self.store, address, source=f"web form /subscribe from {ip}", prefs=prefs, consent_text=CONSENT_TEXT
        )
        if due:
            send_confirmation(self.store, self.settings, address)


def confirmation_html(settings: Settings, email: str) -> str:
    """The confirmation mail: one link under ``public_url`` that confirms."""
    url = html.escape(link(settings, "/subscribe/confirm", Purpose.CONFIRM, email))
    return (
        "<html><body><p>您好！我们收到了以此邮箱订阅本刊的请求。</p>"
        f'<p><a href="{url}">点击此处确认订阅</a></p>'
        f"<p>链接{settings.confirm_hours}小时内有效。如果不是您本人操作，请忽略本邮件，我们不会再给您发信。</p>"
        "</body></html>"
    )


def send_confirmation(store: Store, settings: Settings, email: str) -> None:
    """Queue the confirmation for ``email`` and try to send it now; if the server is down it stays queued."""
    with store.session() as session:
        row = session.query(SubscriberRow).filter_by(email=email).one()
        subscriber_id, stamp = row.id, row.consent_at
    key = f"confirm:{subscriber_id}:{stamp.timestamp() if stamp else 0}"
    mailing_id, _ = queue_mailing(
        store, key=key, kind="confirm", subject=CONFIRM_SUBJECT, html=confirmation_html(settings, email),
        subscriber_ids=[subscriber_id],
    )
    if settings.smtp_host:
        deliver(store, settings, mailing_id=mailing_id, sleep=lambda _s: None)


def confirm_token(store: Store, settings: Settings, token: str) -> Subscriber:
    """Confirm the subscription a confirmation link names (``TokenError`` when the link is bad or old)."""
    return confirm(store, read_token(settings, Purpose.CONFIRM, token))
