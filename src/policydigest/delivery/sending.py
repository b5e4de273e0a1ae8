"""Queueing mailings and sending them over SMTP, idempotently per (mailing, subscriber).

The send log (``deliveries``) moves each message ``queued → claimed → sent``, each step committed:

- *claimed*: a sender took the row (``claimed_by`` = host:pid:thread, in batches). A row claimed by a
  process that is gone, or longer ago than the lease, goes back to *queued*.
- *sent* is written in an open transaction just before the final dot of the message, and committed
  the moment the dot is written, before the server's reply is read (a 4xx or 5xx reply then
  overrides it). A kill before the dot leaves the server an unfinished message, which it drops, and
  the row claimed: exactly once. Only a kill inside that one COMMIT (tens of microseconds on
  SQLite's WAL, one loopback round trip on PostgreSQL) leaves the server holding a message the log
  calls claimed. There **we choose at-least-once** (a lost issue is worse than a copy): the
  restarted sender sends it again, with the same Message-ID, which mail clients use to drop a copy.

Temporary failures (4xx, a refused or dropped connection, a timeout) are retried with doubling
waits; after ``smtp_retries`` the row stays queued for the next ``policydigest send``: nothing is
lost. A permanent failure (5xx) marks the row failed and the address bounced.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from policydigest.delivery.mail import MailTemplate
from policydigest.delivery.subscribers import now
from policydigest.errors import DeliveryError
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.delivery_schema import AlertSentRow, DeliveryRow, MailingRow, SubscriberRow

log = logging.getLogger(__name__)
BATCH = 200
HOST = socket.gethostname()
_DOT_LINE = re.compile(rb"(?m)^\.")  # a line starting with "." gets another (RFC 5321 4.5.2)


def sender_id() -> str:
    """This sender as it signs the rows it claims: ``host:pid:thread`` (web requests send from threads)."""
    return f"{HOST}:{os.getpid()}:{threading.get_ident()}"


def queue_mailing(
    store: Store,
    *,
    key: str,
    kind: str,
    subject: str,
    html: str,
    subscriber_ids: Sequence[int],
    article_ids: Sequence[int] = (),
) -> tuple[int, int]:
    """Queue the mailing ``key`` for each subscriber once; its id and how many rows were new.

    Queueing the same key again adds only subscribers who have no row yet.

    >>> from policydigest.store import open_store
    >>> from policydigest.delivery.subscribers import add_subscriber
    >>> store = open_store("sqlite://"); sub = add_subscriber(store, "a@example.org")
    >>> queue_mailing(store, key="k", kind="issue", subject="s", html="h", subscriber_ids=[sub.id])[1]
    1
    >>> queue_mailing(store, key="k", kind="issue", subject="s", html="h", subscriber_ids=[sub.id])[1]
    0
    """
    with store.write_session() as session, session.begin():
        mailing = session.scalar(select(MailingRow).where(MailingRow.key == key))
        if mailing is None:
            mailing = MailingRow(key=key, kind=kind, subject=subject, html=html, article_ids=list(article_ids))
            session.add(mailing)
            session.flush()
        have = set(session.scalars(select(DeliveryRow.subscriber_id).where(DeliveryRow.mailing_id == mailing.id)))
        new = [i for i in dict.fromkeys(subscriber_ids) if i not in have]
        session.add_all(
            DeliveryRow(mailing_id=mailing.id, subscriber_id=i, state="queued", attempts=0, error="", claimed_by="")
            for i in new
        )
        return mailing.id, len(new)


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0
    released: int = 0


class SmtpFailureError(Exception):
    """One message not taken by the server: permanent (5xx) or temporary (anything else)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class _Refused(Exception):  # noqa: N818  (internal: becomes SmtpFailureError)
    def __init__(self, code: int, text: bytes, *, permanent: bool) -> None:
        super().__init__(code, text)
        self.code, self.text, self.permanent = code, text, permanent


class Mailer:
    """One reused SMTP connection, opened on first use and again after it drops."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise DeliveryError("未设置 smtp_host：要发送邮件，请设置 POLICYDIGEST_SMTP_HOST")
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=s.smtp_timeout)
        if smtp.sock is not None:  # the final dot goes in its own small write: Nagle would hold it ~40 ms
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password.get_secret_value() if s.smtp_password else "")
        return smtp

    def send(
        self,
        sender: str,
        recipient: str,
        data: bytes,
        before_dot: Callable[[], None] = lambda: None,
        on_written: Callable[[], None] = lambda: None,
    ) -> None:
        """Send ``message``; ``SmtpFailureError`` says whether a failure is permanent.

        ``before_dot`` runs when all but the final dot is written (the sender stages its "sent" row
        there), ``on_written`` as soon as the dot is written and before the reply is read (it commits
        that row): the smallest window in which a killed sender cannot know whether the server has it.

        >>> Mailer(Settings(smtp_host="127.0.0.1")).close()  # connects lazily: nothing to close yet
        """
        try:
            smtp = self._smtp = self._smtp or self._connect()
            smtp.ehlo_or_helo_if_needed()
            # A refused sender or a protocol error is our side's fault, never the reader's: retried.
            self._expect(smtp.mail(sender), (250,), about_reader=False)
            self._expect(smtp.rcpt(recipient), (250, 251), about_reader=True)
            self._expect(smtp.docmd("data"), (354,), about_reader=False)
            smtp.send(_DOT_LINE.sub(b"..", data).rstrip(b"\r\n") + b"\r\n")
            try:
                before_dot()
            except BaseException:
                self.close()  # the server drops the unfinished message
                raise
            smtp.send(b".\r\n")
            on_written()
            self._expect(smtp.getreply(), (250,), about_reader=True)
        except _Refused as exc:
            self._reset()
            raise SmtpFailureError(f"{exc.code} {exc.text!r}", permanent=exc.permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SmtpFailureError(f"{type(exc).__name__}: {exc}", permanent=False) from exc

    @staticmethod
    def _expect(reply: tuple[int, bytes], codes: tuple[int, ...], *, about_reader: bool) -> None:
        code, text = reply
        if code not in codes:
            raise _Refused(code, text, permanent=about_reader and 500 <= code < 600)

    def _reset(self) -> None:
        # After a refused message the session goes on; RSET clears it (a dead connection is reopened).
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Close the connection (politely if it is still up)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _alive(claimed_by: str) -> bool:
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return True  # another machine's: only the lease tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_stale(store: Store, settings: Settings) -> int:
    """Give back claimed rows whose sender is gone, or whose lease ran out, to the queue; how many.

    Such a row was not sent, or (the one message in flight) its final dot was written but the commit
    that follows did not happen: it is sent again (at-least-once, see the module's docstring).
    """
    lease = dt.timedelta(seconds=settings.smtp_timeout * (settings.smtp_retries + 2) + 60)
    released = 0
    with store.write_session() as session, session.begin():
        for row in session.scalars(select(DeliveryRow).where(DeliveryRow.state == "claimed")):
            stale = row.claimed_at is None or now() - row.claimed_at > lease
            if row.claimed_by == sender_id() or stale or not _alive(row.claimed_by):
                row.state, row.claimed_by = "queued", ""
                released += 1
    return released


@dataclass(frozen=True)
class _Claimed:
    """A row this sender claimed, with what sending it needs."""

    id: int
    mailing_id: int
    subscriber_id: int
    email: str
    attempts: int


def _claim(
    store: Store, settings: Settings, mailing_id: int | None, templates: dict[int, tuple[MailingRow, MailTemplate]]
) -> list[_Claimed]:
    """Claim up to ``BATCH`` due rows in one transaction; rows whose reader no longer wants mail are dropped."""
    due = now()
    with store.write_session() as session, session.begin():
        stmt = (
            select(DeliveryRow.id, DeliveryRow.mailing_id, DeliveryRow.subscriber_id, DeliveryRow.attempts,
                   SubscriberRow.email, SubscriberRow.status)
            .join(SubscriberRow, SubscriberRow.id == DeliveryRow.subscriber_id)
            .where(DeliveryRow.state == "queued")
            .where((DeliveryRow.next_attempt_at.is_(None)) | (DeliveryRow.next_attempt_at <= due))
            .order_by(DeliveryRow.id)
            .limit(BATCH)
        )
        if mailing_id is not None:
            stmt = stmt.where(DeliveryRow.mailing_id == mailing_id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(of=DeliveryRow, skip_locked=True)
        claimed, dropped = [], []
        for row in session.execute(stmt):
            mailing, _ = _template(session, settings, row.mailing_id, templates)
            # A pending address gets its confirmation and nothing else; left or bounced ones get nothing.
            if row.status == "active" or (row.status == "pending" and mailing.kind == "confirm"):
                claimed.append(_Claimed(row.id, row.mailing_id, row.subscriber_id, row.email, row.attempts))
            else:
                dropped.append(row.id)
        if claimed:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id.in_([c.id for c in claimed]))
                .values(state="claimed", claimed_by=sender_id(), claimed_at=due)
            )
        if dropped:
            session.execute(update(DeliveryRow).where(DeliveryRow.id.in_(dropped)).values(state="dropped"))
        return claimed if claimed or not dropped else _claim(store, settings, mailing_id, templates)


def _set(session: Session, delivery_id: int, **values: Any) -> None:
    session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(**values))


def _record_sent_articles(session: Session, subscriber_id: int, article_ids: Sequence[int]) -> None:
    if not article_ids:
        return
    rows = [{"subscriber_id": subscriber_id, "article_id": a} for a in dict.fromkeys(article_ids)]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(AlertSentRow).values(rows).on_conflict_do_nothing())


class _Pace:
    """Keeps sends at most ``rate`` a second (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.gap = 1.0 / rate if rate > 0 else 0.0
        self.next = 0.0

    def wait(self) -> None:
        if self.gap:
            delay = self.next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.next = max(self.next, time.monotonic()) + self.gap


def deliver(
    store: Store,
    settings: Settings,
    *,
    mailing_id: int | None = None,
    mailer: Mailer | None = None,
    on_sent: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send every due queued message (of one mailing, or all); resumes what a stopped sender left.

    Returns when nothing is due any more; rows still failing after ``smtp_retries`` stay queued.
    """
    report = SendReport()
    report.released = release_stale(store, settings)
    own = mailer is None
    mailer = mailer or Mailer(settings)
    pace = _Pace(settings.smtp_rate)
    templates: dict[int, tuple[MailingRow, MailTemplate]] = {}
    try:
        while True:
            batch = _claim(store, settings, mailing_id, templates)
            if not batch:
                wait = _next_retry(store.engine, mailing_id, settings)
                if wait is None:
                    break
                sleep(wait)
                continue
            for claimed in batch:
                _send_one(store, settings, mailer, pace, claimed, templates, report)
                if on_sent is not None:
                    on_sent(claimed.id)
    finally:
        if own:
            mailer.close()
        release_stale(store, settings)
    with store.session() as session:
        stmt = select(DeliveryRow.id).where(DeliveryRow.state == "queued")
        if mailing_id is not None:
            stmt = stmt.where(DeliveryRow.mailing_id == mailing_id)
        report.deferred = len(list(session.scalars(stmt)))
    return report


def _next_retry(engine: Engine, mailing_id: int | None, settings: Settings) -> float | None:
    """Seconds to the next retry still within ``smtp_retries``; ``None`` when there is none."""
    with Session(engine) as session:
        stmt = select(DeliveryRow.next_attempt_at).where(
            DeliveryRow.state == "queued",
            DeliveryRow.next_attempt_at.is_not(None),
            DeliveryRow.attempts <= settings.smtp_retries,
        )
        if mailing_id is not None:
            stmt = stmt.where(DeliveryRow.mailing_id == mailing_id)
        times = [t for t in session.scalars(stmt) if t is not None]
    if not times:
        return None
    soonest = min(times)
    return max(0.0, (soonest - now()).total_seconds())


def _send_one(
    store: Store,
    settings: Settings,
    mailer: Mailer,
    pace: _Pace,
    claimed: _Claimed,
    templates: dict[int, tuple[MailingRow, MailTemplate]],
    report: SendReport,
) -> None:
    mailing, template = templates[claimed.mailing_id]
    data = template.render(claimed.email, f"{mailing.id}.{claimed.subscriber_id}")
    articles = [int(a) for a in mailing.article_ids]
    pace.wait()
    session = store.write_session()

    def stage_sent() -> None:
        session.begin()
        _set(session, claimed.id, state="sent", sent_at=now(), error="")
        _record_sent_articles(session, claimed.subscriber_id, articles)
        session.flush()

    try:
        mailer.send(template.sender, claimed.email, data, before_dot=stage_sent, on_written=session.commit)
    except SmtpFailureError as exc:
        session.close()  # rolls back a "sent" staged for a dot that was never written
        _failed(store, settings, claimed.id, claimed.subscriber_id, claimed.attempts + 1, exc, report)
        return
    finally:
        session.close()
    report.sent += 1


def _template(
    session: Session, settings: Settings, mailing_id: int, templates: dict[int, tuple[MailingRow, MailTemplate]]
) -> tuple[MailingRow, MailTemplate]:
    if mailing_id not in templates:
        found = session.get(MailingRow, mailing_id)
        if found is None:
            raise DeliveryError(f"存储中没有邮件批次 {mailing_id}")
        session.expunge(found)
        templates[mailing_id] = (found, MailTemplate(settings, subject=found.subject, body=found.html))
    return templates[mailing_id]


def _failed(
    store: Store,
    settings: Settings,
    delivery_id: int,
    subscriber_id: int,
    attempts: int,
    exc: SmtpFailureError,
    report: SendReport,
) -> None:
    with store.write_session() as session, session.begin():
        if exc.permanent:
            _set(session, delivery_id, state="failed", attempts=attempts, error=str(exc)[:1000])
            subscriber = session.get(SubscriberRow, subscriber_id)
            if subscriber is not None and subscriber.status in ("active", "pending"):
                subscriber.status, subscriber.last_bounce_at = "bounced", now()
            report.failed += 1
            log.warning("delivery %s failed for good: %s", delivery_id, exc)
            return
        wait = settings.smtp_backoff * 2 ** (attempts - 1)
        _set(
            session,
            delivery_id,
            state="queued",
            attempts=attempts,
            claimed_by="",
            error=str(exc)[:1000],
            next_attempt_at=now() + dt.timedelta(seconds=wait),
        )
        report.retried += 1
        log.info("delivery %s: temporary failure (%s); retry in %.1fs", delivery_id, exc, wait)
