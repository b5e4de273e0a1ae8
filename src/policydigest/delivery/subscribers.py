"""Subscribers: double opt-in with recorded consent, preferences, admin and self-service (PIPL).

A request to subscribe stores a *pending* subscriber with the consent shown and queues a
confirmation; only the signed link in it makes the address *active*. The answer to a request is the
same whether or not the address subscribes already, so the form reveals nobody.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from policydigest.errors import DeliveryError, InvalidAddressError, NotFoundError
from policydigest.search.facets import FOLLOWED
from policydigest.store import Store
from policydigest.store.delivery_schema import DeliveryRow, SavedSearchRow, SubscriberRow

Frequency = Literal["daily", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly")
#: What the subscribe form shows; recorded as the consent given with each subscription.
CONSENT_TEXT = (
    "我同意本刊以电子邮件向我发送每期简报及我选择的提醒。我的邮箱仅用于发送这些邮件，"
    "可随时通过每封邮件中的链接退订、查看、导出或删除我的数据。"
)
#: Every status a subscriber can have, and how pages name it.
STATUS_LABELS = {
    "pending": "待确认", "active": "已订阅", "unsubscribed": "已退订", "suppressed": "已屏蔽", "bounced": "退信"
}
#: The CSV's columns: a followed facet's values under its query key (``columns``: 地方新政;产业前沿).
CSV_FIELDS = ("email", "status", "whole_issue", *(f.query_key for f in FOLLOWED), "frequency", "consent_at",
              "consent_source", "confirmed_at")


def normalize_address(email: str) -> str:
    """The address in its normal form; ``InvalidAddressError`` (in Chinese) when it cannot receive mail.

    >>> normalize_address(" Reader@Example.ORG ")
    'Reader@example.org'
    >>> normalize_address("reader@@example.org")
    Traceback (most recent call last):
    policydigest.errors.InvalidAddressError: 邮箱地址无效：reader@@example.org
    """
    text = email.strip()
    if any(ch in text for ch in "\r\n\0") or len(text) > 254:
        raise InvalidAddressError(f"邮箱地址无效：{text[:80]!r}")
    try:
        # Deliverability needs DNS, which a sender may not have: syntax and special-use domains are checked;
        # ASCII only (IDN domains in punycode), so every SMTP server can take the address.
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise InvalidAddressError(f"邮箱地址无效：{text}") from exc
    return checked.ascii_email or checked.normalized


@dataclass(frozen=True)
class SavedSearch:
    """A search of the reader app (the query of its URL, e.g. ``q=算力&column=地方新政``) under a name."""

    name: str
    query: str
    frequency: Frequency = "daily"


@dataclass(frozen=True)
class Preferences:
    """What a subscriber wants: the whole issue and/or alerts on values of the followed facets (``FOLLOWED``:
    columns, regions, topics) and on saved searches.

    >>> Preferences(follows={"region": [" 贵州 ", ""], "topic": "算力"}).follows
    {'region': ('贵州',), 'topic': ('算力',)}
    """

    whole_issue: bool = True
    follows: Mapping[str, Sequence[str]] = field(default_factory=dict)  # facet name → values
    frequency: Frequency = "weekly"
    searches: tuple[SavedSearch, ...] = field(default=())

    def __post_init__(self) -> None:
        unknown = set(self.follows) - {f.name for f in FOLLOWED}
        if unknown:
            raise ValueError(f"not a facet subscribers can follow: {sorted(unknown)}")
        cleaned = {f.name: _strings(self.follows.get(f.name, ())) for f in FOLLOWED}
        object.__setattr__(self, "follows", {name: values for name, values in cleaned.items() if values})

    def followed(self, facet: str) -> tuple[str, ...]:
        """The values of one facet the subscriber follows (none: empty)."""
        return tuple(self.follows.get(facet, ()))

    @property
    def followed_values(self) -> tuple[str, ...]:
        """Every value followed, facet after facet."""
        return tuple(v for values in self.follows.values() for v in values)


def _strings(values: Iterable[object]) -> tuple[str, ...]:
    listed = [values] if isinstance(values, str) else values  # one value given bare is one value, not letters
    return tuple(dict.fromkeys(v.strip() for v in listed if isinstance(v, str) and v.strip()))


@dataclass(frozen=True)
class Subscriber:
    """A subscriber as the admin and the subscriber see them."""

    id: int
    email: str
    status: str
    preferences: Preferences
    consent_at: dt.datetime | None
    consent_source: str
    consent_text: str
    confirmed_at: dt.datetime | None
    created_at: dt.datetime | None

    @classmethod
    def of(cls, row: SubscriberRow) -> Subscriber:
        follows = row.follows or {}
        prefs = Preferences(
            whole_issue=row.whole_issue,
            follows={f.name: follows[f.name] for f in FOLLOWED if isinstance(follows.get(f.name), list)},
            frequency="daily" if row.frequency == "daily" else "weekly",
            searches=tuple(
                SavedSearch(s.name, s.query, "weekly" if s.frequency == "weekly" else "daily") for s in row.searches
            ),
        )
        return cls(row.id, row.email, row.status, prefs, row.consent_at, row.consent_source, row.consent_text,
                   row.confirmed_at, row.created_at)


def now() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


#: Told of a change inside its transaction, with the subscriber before (None: new) and after (None: deleted):
#: the desk records its audit entry there, so the entry and the change commit together.
Changed = Callable[[Session, Subscriber | None, Subscriber | None], None]


def _told(changed: Changed | None, session: Session, before: Subscriber | None, after: Subscriber | None) -> None:
    if changed is not None:
        session.flush()
        changed(session, before, after)


def _find(session: Session, email: str) -> SubscriberRow | None:
    return session.scalar(select(SubscriberRow).where(SubscriberRow.email == email))


def _set_preferences(session: Session, row: SubscriberRow, prefs: Preferences) -> None:
    row.whole_issue = prefs.whole_issue
    row.follows = {name: list(values) for name, values in prefs.follows.items()}
    row.frequency = prefs.frequency
    for old in list(row.searches):
        session.delete(old)
    row.searches = [SavedSearchRow(name=s.name[:100], query=s.query, frequency=s.frequency) for s in prefs.searches]


def request_subscription(
    store: Store, email: str, *, source: str, prefs: Preferences | None = None, consent_text: str = CONSENT_TEXT
) -> tuple[str, bool]:
    """Record a request to subscribe ``email``; the normal address and whether a confirmation is due.

    An active address is left as it is (no confirmation: the caller answers the same either way);
    a new, pending, unsubscribed or bounced one becomes pending with this consent recorded.
    Suppressed addresses stay suppressed.

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> request_subscription(store, "a@example.org", source="web 127.0.0.1")
    ('a@example.org', True)
    """
    address = normalize_address(email)
    with store.write_session() as session, session.begin():
        row = _find(session, address)
        if row is None:
            row = SubscriberRow(email=address, status="pending", soft_bounces=0.0)
            session.add(row)
        elif row.status in ("active", "suppressed"):
            return address, False
        row.status = "pending"
        row.consent_at, row.consent_source, row.consent_text = now(), source[:500], consent_text
        _set_preferences(session, row, prefs or Preferences())
    return address, True


def confirm(store: Store, email: str) -> Subscriber:
    """Make a pending ``email`` active (the signed confirmation link was opened); idempotent.

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> _ = request_subscription(store, "a@example.org", source="test")
    >>> confirm(store, "a@example.org").status
    'active'
    """
    with store.write_session() as session, session.begin():
        row = _find(session, email)
        if row is None:
            raise NotFoundError("没有这个订阅（可能已删除），请重新订阅")
        if row.status == "pending":
            row.status, row.confirmed_at = "active", now()
        return Subscriber.of(row)


def set_status(store: Store, email: str, status: str, *, changed: Changed | None = None) -> Subscriber:
    """Set a subscriber's status (unsubscribed, suppressed, bounced, active) and drop their queued mail."""
    with store.write_session() as session, session.begin():
        row = _find(session, email)
        if row is None:
            raise NotFoundError(f"没有这个订阅：{email}")
        before = Subscriber.of(row)
        row.status = status
        if status == "unsubscribed":
            row.unsubscribed_at = now()
        if status != "active":
            for delivery in session.scalars(
                select(DeliveryRow).where(DeliveryRow.subscriber_id == row.id, DeliveryRow.state == "queued")
            ):
                delivery.state = "dropped"
        _told(changed, session, before, after := Subscriber.of(row))
        return after


def unsubscribe(store: Store, email: str) -> None:
    """Stop all mail to ``email`` (one-click unsubscribe); an unknown address is not an error."""
    try:
        set_status(store, email, "unsubscribed")
    except NotFoundError:
        return


def update_preferences(store: Store, email: str, prefs: Preferences) -> Subscriber:
    """Replace ``email``'s preferences and saved searches."""
    with store.write_session() as session, session.begin():
        row = _find(session, email)
        if row is None:
            raise NotFoundError("没有这个订阅（可能已删除），请重新订阅")
        _set_preferences(session, row, prefs)
        session.flush()
        session.refresh(row)
        return Subscriber.of(row)


def add_subscriber(
    store: Store, email: str, *, source: str = "admin", prefs: Preferences | None = None, changed: Changed | None = None
) -> Subscriber:
    """Add ``email`` as active (an admin vouches for the consent, recorded as given through ``source``).

    >>> from policydigest.store import open_store
    >>> add_subscriber(open_store("sqlite://"), "b@example.org").status
    'active'
    """
    address = normalize_address(email)
    with store.write_session() as session, session.begin():
        found = _find(session, address)
        before = None if found is None else Subscriber.of(found)
        row = found or SubscriberRow(email=address, soft_bounces=0.0)
        session.add(row)
        if row.status != "suppressed":
            row.status = "active"
        stamp = now()
        row.consent_at, row.consent_source, row.consent_text = stamp, source[:500], CONSENT_TEXT
        row.confirmed_at = row.confirmed_at or stamp
        _set_preferences(session, row, prefs or Preferences())
        session.flush()
        session.refresh(row)
        _told(changed, session, before, after := Subscriber.of(row))
        return after


def get_subscriber(store: Store, email: str) -> Subscriber:
    """One subscriber by address; ``NotFoundError`` when there is none."""
    with store.session() as session:
        row = _find(session, email)
        if row is None:
            raise NotFoundError(f"没有这个订阅：{email}")
        return Subscriber.of(row)


def _matching(stmt: Any, search: str, status: str | None) -> Any:
    if search:
        stmt = stmt.where(SubscriberRow.email.contains(search.strip().lower(), autoescape=True))
    if status:
        stmt = stmt.where(SubscriberRow.status == status)
    return stmt


def list_subscribers(
    store: Store, *, search: str = "", status: str | None = None, offset: int = 0, limit: int | None = None
) -> list[Subscriber]:
    """Subscribers whose address contains ``search`` (and of ``status``), oldest first; a page when limited.

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> for address in ("a@example.org", "b@example.org", "c@example.net"):
    ...     _ = add_subscriber(store, address)
    >>> [s.email for s in list_subscribers(store, search="example.org", offset=1, limit=5)]
    ['b@example.org']
    """
    stmt = _matching(select(SubscriberRow).order_by(SubscriberRow.id), search, status).offset(offset).limit(limit)
    with store.session() as session:
        return [Subscriber.of(row) for row in session.scalars(stmt)]


def count_subscribers(store: Store, *, search: str = "") -> dict[str, int]:
    """Subscribers by status (those whose address contains ``search``)."""
    stmt = _matching(select(SubscriberRow.status, func.count()), search, None).group_by(SubscriberRow.status)
    with store.session() as session:
        return {status: count for status, count in session.execute(stmt)}


def delete_subscriber(store: Store, email: str, *, changed: Changed | None = None) -> bool:
    """Delete ``email`` and everything kept about it (preferences, send log); whether it was there."""
    with store.write_session() as session, session.begin():
        row = _find(session, email)
        if row is None:
            return False
        before = Subscriber.of(row)
        session.delete(row)
        _told(changed, session, before, None)
    return True


def personal_data(store: Store, email: str) -> dict[str, Any]:
    """Everything kept about ``email``, for the subscriber to see and export (PIPL)."""
    with store.session() as session:
        row = _find(session, email)
        if row is None:
            raise NotFoundError("没有这个订阅（可能已删除）")
        sent = session.execute(
            select(DeliveryRow.state, DeliveryRow.sent_at, DeliveryRow.mailing_id)
            .where(DeliveryRow.subscriber_id == row.id)
            .order_by(DeliveryRow.id)
        ).all()
        subscriber = Subscriber.of(row)
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "preferences": {
            "whole_issue": subscriber.preferences.whole_issue,
            **{f.query_key: list(subscriber.preferences.followed(f.name)) for f in FOLLOWED},
            "frequency": subscriber.preferences.frequency,
            "saved_searches": [
                {"name": s.name, "query": s.query, "frequency": s.frequency} for s in subscriber.preferences.searches
            ],
        },
        "consent": {
            "at": _iso(subscriber.consent_at),
            "source": subscriber.consent_source,
            "text": subscriber.consent_text,
            "confirmed_at": _iso(subscriber.confirmed_at),
        },
        "created_at": _iso(subscriber.created_at),
        "messages": [{"mailing": m, "state": s, "sent_at": _iso(at)} for s, at, m in sent],
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace("；", ";").split(";") if part.strip())


def export_csv(subscribers: Sequence[Subscriber]) -> str:
    """Subscribers as CSV (lists joined with ``;``), the shape ``import_csv`` reads back.

    >>> export_csv([]).splitlines()[0]
    'email,status,whole_issue,columns,regions,topics,frequency,consent_at,consent_source,confirmed_at'
    """
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(CSV_FIELDS)
    for s in subscribers:
        p = s.preferences
        table.writerow([
            s.email, s.status, "yes" if p.whole_issue else "no", *(";".join(p.followed(f.name)) for f in FOLLOWED),
            p.frequency, _iso(s.consent_at) or "", _csv_safe(s.consent_source), _iso(s.confirmed_at) or "",
        ])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass
class ImportReport:
    """What an import did: rows added or updated, and each bad row with its reason."""

    added: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


def import_csv(store: Store, text: str, *, source: str) -> ImportReport:
    """Add the subscribers of a CSV (needs an ``email`` column; others as ``export_csv`` writes them).

    A bad row is reported and skipped; the rest are added.

    >>> from policydigest.store import open_store
    >>> report = import_csv(open_store("sqlite://"), "email,columns\\na@example.org,地方新政\\nbad\\n", source="t")
    >>> report.added, report.failed
    (1, [(3, '邮箱地址无效：bad')])
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "email" not in reader.fieldnames:
        raise DeliveryError("CSV 需要一行含 'email' 列的表头")
    for line, record in enumerate(reader, start=2):
        try:
            frequency = (record.get("frequency") or "weekly").strip()
            prefs = Preferences(
                whole_issue=(record.get("whole_issue") or "yes").strip().lower() not in ("no", "false", "0"),
                follows={f.name: _split(record.get(f.query_key) or "") for f in FOLLOWED},
                frequency="daily" if frequency == "daily" else "weekly",
            )
            add_subscriber(store, record.get("email") or "", source=source, prefs=prefs)
            report.added += 1
        except InvalidAddressError as exc:
            report.failed.append((line, str(exc)))
    return report


def active_ids(session: Session, *, whole_issue: bool | None = None) -> list[int]:
    """Ids of active subscribers (only those who want the whole issue, when asked)."""
    stmt = select(SubscriberRow.id).where(SubscriberRow.status == "active").order_by(SubscriberRow.id)
    if whole_issue is not None:
        stmt = stmt.where(SubscriberRow.whole_issue == whole_issue)
    return list(session.scalars(stmt))


def matching(session: Session, emails: Iterable[str]) -> list[SubscriberRow]:
    """The subscribers with these addresses (any case of the domain)."""
    wanted = [e.strip() for e in emails if e.strip()]
    if not wanted:
        return []
    lowered = [e.lower() for e in wanted]
    return list(session.scalars(select(SubscriberRow).where(
        or_(SubscriberRow.email.in_(wanted), func.lower(SubscriberRow.email).in_(lowered))
    )))
