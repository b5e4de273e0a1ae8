"""The public side of subscribing: a rate-limited request, the confirmation mail, confirming.

The answer to a request never depends on whether the address subscribes already.
"""

from __future__ import annotations

import html
import threading
import time
from collections import deque

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
from policydigest.store.delivery_schema import SubscriberRow

CONFIRM_SUBJECT = "请确认订阅"
HOUR = 3600.0


class RateLimitedError(DeliveryError):
    """Too many requests from one address or IP in the last hour."""


class RateLimiter:
    """At most ``limit`` events per key in a sliding ``window`` of seconds (in this process).

    >>> limiter = RateLimiter(2)
    >>> [limiter.allow("k", at=t) for t in (0, 1, 2, 3601)]
    [True, True, False, True]
    """

    def __init__(self, limit: int, window: float = HOUR) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, *, at: float | None = None) -> bool:
        """Count one event for ``key``; whether it is within the limit."""
        moment = time.monotonic() if at is None else at
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= moment - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(moment)
            if len(self._events) > 100_000:  # forget idle keys rather than grow without end
                self._events = {k: v for k, v in self._events.items() if v}
            return True


class SubscribeDesk:
    """Takes subscribe requests for one web app: limits, records consent, queues and sends the confirmation."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self.per_address = RateLimiter(settings.subscribe_limit_per_address)
        self.per_ip = RateLimiter(settings.subscribe_limit_per_ip)

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
