"""Corrections (更正) after publishing: a new version of the issue with a dated note; every earlier
version stays stored (the issue as it was, as JSON) and can be rendered and downloaded again.

>>> from policydigest.store import open_store
>>> versions(open_store("sqlite://"), 59)
Traceback (most recent call last):
policydigest.errors.NotFoundError: 没有已发布的总第59期
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policydigest.desk.audit import record
from policydigest.errors import DeskError, NotFoundError
from policydigest.model import Block, Issue
from policydigest.store import Store
from policydigest.store.desk_schema import IssueVersionRow
from policydigest.store.repository import article_hash
from policydigest.store.schema import ArticleRow, IssueRow

CORRECTION_HEADING = "更正"


class IssueVersion(BaseModel):
    """One stored version of a published issue."""

    version: int
    note: str
    created_at: dt.datetime


def _issue_row(session: Session, total_number: int) -> IssueRow:
    row = session.scalar(select(IssueRow).where(IssueRow.total_number == total_number))
    if row is None:
        raise NotFoundError(f"没有已发布的总第{total_number}期")
    return row


def versions(store: Store, total_number: int) -> list[IssueVersion]:
    """The stored versions of an issue, oldest first (an issue never corrected may have none)."""
    with store.session() as session:
        row = _issue_row(session, total_number)
        found = session.scalars(
            select(IssueVersionRow).where(IssueVersionRow.issue_id == row.id).order_by(IssueVersionRow.version)
        )
        return [IssueVersion(version=v.version, note=v.note, created_at=v.created_at) for v in found]


def version(store: Store, total_number: int, number: int) -> Issue:
    """The issue as version ``number`` had it."""
    with store.session() as session:
        row = _issue_row(session, total_number)
        found = session.scalar(
            select(IssueVersionRow).where(IssueVersionRow.issue_id == row.id, IssueVersionRow.version == number)
        )
        if found is None:
            raise NotFoundError(f"总第{total_number}期没有第{number}版")
        return Issue.model_validate(found.snapshot)


def correct(
    store: Store, total_number: int, by: str, note: str, titles: Mapping[int, str] | None = None, *,
    today: dt.date | None = None,
) -> int:
    """Publish a correction: new titles for articles of the issue, and a dated note printed at its end.

    Returns the new version number; the version before it stays stored (made first if the issue has none).
    """
    note = " ".join(note.split())
    if not note or len(note) > 1000:
        raise DeskError("更正说明不能为空，也不能超过1000字")
    day = today or dt.date.today()
    before_issue = store.get_issue(total_number)
    carried = {a.id for a in before_issue.articles}
    with store.session() as session, session.begin():
        row = _issue_row(session, total_number)
        latest = session.scalar(select(func.max(IssueVersionRow.version)).where(IssueVersionRow.issue_id == row.id))
        if latest is None:  # published before the desk kept versions: keep it as version 1 first
            latest = 1
            first = before_issue.model_dump(mode="json")
            session.add(IssueVersionRow(issue_id=row.id, version=1, note="", snapshot=first))
        changed = {}
        for article_id, title in (titles or {}).items():
            title = " ".join(title.split())
            if article_id not in carried:
                raise DeskError(f"文章 #{article_id} 不在总第{total_number}期")
            if not title or len(title) > 200:
                raise DeskError("更正后的标题不能为空，也不能超过200字")
            article = session.get(ArticleRow, article_id)
            assert article is not None
            changed[str(article_id)] = {"from": article.title, "to": title}
            article.title = title
            stored = next(a for a in before_issue.articles if a.id == article_id)
            article.content_hash = article_hash(stored.model_copy(update={"title": title}))
        kept = [m for m in row.back_matter if m.get("heading") != CORRECTION_HEADING]
        earlier: list[Any] = next((m["blocks"] for m in row.back_matter if m.get("heading") == CORRECTION_HEADING), [])
        line = Block.paragraph(f"{day.year}年{day.month}月{day.day}日更正：{note}").model_dump(mode="json")
        row.back_matter = [*kept, {"heading": CORRECTION_HEADING, "blocks": [*earlier, line]}]
        session.flush()
        record(session, by, "issue.correct", "issue", row.id, {"version": latest}, {"version": latest + 1,
               "titles": changed}, note)
        issue_id = row.id
    after = store.get_issue(total_number)
    with store.session() as session, session.begin():
        session.add(IssueVersionRow(issue_id=issue_id, version=latest + 1, note=note,
                                    snapshot=after.model_dump(mode="json")))
    return latest + 1
