"""Subscriber administration, each action in the audit log: the desk's (``/desk/subscribers``) and the
command line's (``policydigest subscribers …``, recorded as by ``cli``).

The changes go through ``delivery.subscribers``, which hands each one to :func:`_recorder` inside its own
transaction, so an entry commits with its change. The log names a subscriber by id and a masked address:
editors read the log, but only administrators see subscribers, and a deleted subscriber's address is
not kept (PIPL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from policydigest.delivery import subscribers as subs
from policydigest.desk.audit import record
from policydigest.store import Store


def masked(text: str) -> str:
    """An address as the audit log shows it: its first character and its domain (any text with an ``@``).

    >>> masked("wang.editor@example.org"), masked("a@b.cn"), masked("gov.cn")
    ('w***@example.org', 'a***@b.cn', 'gov.cn')
    """
    local, at, domain = text.rpartition("@")
    return f"{local[:1]}***@{domain}" if at else text


def _state(subscriber: subs.Subscriber | None) -> dict[str, Any] | None:
    return None if subscriber is None else {"email": masked(subscriber.email), "status": subscriber.status}


def _recorder(by: str, action: str) -> subs.Changed:
    """Record ``action`` by ``by`` on the changed subscriber, in the change's transaction."""

    def changed(session: Session, before: subs.Subscriber | None, after: subs.Subscriber | None) -> None:
        subject = after or before
        record(session, by, action, "subscriber", subject.id if subject else None, _state(before), _state(after))

    return changed


def add(store: Store, by: str, email: str, *, source: str | None = None) -> subs.Subscriber:
    """添加: an active subscriber whose consent ``by`` vouches for, given through ``source`` (by default
    ``desk admin BY``)."""
    source = source or f"desk admin {by}"
    return subs.add_subscriber(store, email, source=source, changed=_recorder(by, "subscriber.add"))


def suppress(store: Store, by: str, email: str) -> subs.Subscriber:
    """屏蔽: no more mail to the address, and a new subscription from it is refused."""
    return subs.set_status(store, email, "suppressed", changed=_recorder(by, "subscriber.suppress"))


def delete(store: Store, by: str, email: str) -> bool:
    """删除 the subscriber and everything kept about them; whether they were there.

    >>> from policydigest.desk.audit import read_audit
    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> _ = add(store, "王管理员", "reader@example.org"); delete(store, "王管理员", "reader@example.org")
    True
    >>> [(e.action, e.before, e.after) for e in read_audit(store, subject="subscriber")][0]
    ('subscriber.delete', {'email': 'r***@example.org', 'status': 'active'}, None)
    """
    return subs.delete_subscriber(store, email, changed=_recorder(by, "subscriber.delete"))


def import_csv(store: Store, by: str, text: str, *, source: str | None = None) -> subs.ImportReport:
    """导入 a CSV (each row its own change, as ``delivery.subscribers.import_csv`` does), then one entry that
    says how many rows were added and how many were not; consent given through ``source`` (by default
    ``desk import BY``)."""
    report = subs.import_csv(store, text, source=source or f"desk import {by}")
    with store.session() as session, session.begin():
        record(session, by, "subscriber.import", "subscriber", None, None,
               {"added": report.added, "failed": len(report.failed)})
    return report


def export_csv(store: Store, by: str, found: Sequence[subs.Subscriber], search: str, status: str) -> str:
    """导出 ``found`` (the list searched for ``search``, of ``status``) as CSV, recording who took how many."""
    with store.session() as session, session.begin():
        record(session, by, "subscriber.export", "subscriber", None, None,
               {"count": len(found), "search": masked(search), "status": status or "全部"})
    return subs.export_csv(found)
