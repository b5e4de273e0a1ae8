"""The audit log: every desk action with who, when, on what, and the state before and after.

Entries are written in the same transaction as the change they describe (``record`` takes the
session), so the log never claims a change that did not happen, nor misses one that did.

>>> from policydigest.store import open_store
>>> store = open_store("sqlite://")
>>> with store.session() as s, s.begin():
...     record(s, "王编辑", "inbox.shortlist", "article", 7, {"state": "new"}, {"state": "shortlisted"})
>>> [(e.user, e.action, e.after) for e in read_audit(store, subject="article", subject_id=7)]
[('王编辑', 'inbox.shortlist', {'state': 'shortlisted'})]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from policydigest.store import Store
from policydigest.store.desk_schema import AuditRow

#: Who the log names for a change made on the command line.
CLI_USER = "cli"


class AuditEntry(BaseModel):
    """One recorded action."""

    id: int
    at: dt.datetime
    user: str = Field(description="Who did it (account name; 'cli' for the command line).")
    action: str
    subject: str = Field(description="issue, draft, article, user or subscriber.")
    subject_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str = ""


def record(
    session: Session,
    user: str,
    action: str,
    subject: str,
    subject_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str = "",
) -> None:
    """Add one entry to the log, inside the caller's transaction."""
    session.add(
        AuditRow(
            at=dt.datetime.now(dt.UTC),
            user_name=user,
            action=action,
            subject=subject,
            subject_id=subject_id,
            before=before,
            after=after,
            note=note,
        )
    )


def read_audit(
    store: Store,
    *,
    user: str | None = None,
    subject: str | None = None,
    subject_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEntry]:
    """Entries newest first, optionally of one person or one subject (issue, draft, article, user, subscriber)."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    if user is not None:
        query = query.where(AuditRow.user_name == user)
    if subject is not None:
        query = query.where(AuditRow.subject == subject)
    if subject_id is not None:
        query = query.where(AuditRow.subject_id == subject_id)
    with store.session() as session:
        return [
            AuditEntry(
                id=row.id,
                at=row.at,
                user=row.user_name,
                action=row.action,
                subject=row.subject,
                subject_id=row.subject_id,
                before=row.before,
                after=row.after,
                note=row.note,
            )
            for row in session.scalars(query)
        ]
