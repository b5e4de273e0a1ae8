"""The draft on the desk: edits that carry their version, review (drafting → in review → approved →
published, 退回 back to drafting with a comment), publishing, and corrections (更正) after publishing.

Every change is recorded in the audit log with the draft before and after; a stale edit raises
``ConflictError`` holding the current draft, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, select, update

from policydigest.compose.draft import draft_issue
from policydigest.compose.model import Draft, DraftStatus, ItemState
from policydigest.compose.numbering import next_numbers
from policydigest.compose.publish import publish as publish_draft
from policydigest.compose.repository import DraftRepository
from policydigest.desk.audit import record
from policydigest.desk.roles import Role, allowed
from policydigest.errors import ConflictError, DeskError, ForbiddenError, NotFoundError
from policydigest.model import Issue
from policydigest.profile import Profile
from policydigest.store import Store
from policydigest.store.compose_schema import DraftItemRow, DraftRow
from policydigest.store.desk_schema import IssueVersionRow, ReviewRow
from policydigest.store.schema import IssueRow

log = logging.getLogger(__name__)

#: A title longer than this gets a warning before review.
LONG_TITLE = 40


class ReviewState(StrEnum):
    """Where a draft is between the editor and the chief."""

    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"


STATE_LABELS = {"drafting": "编辑中", "in_review": "审核中", "approved": "已批准", "published": "已发布"}

#: transition → (from, to, action the role needs)
TRANSITIONS: dict[str, tuple[ReviewState, ReviewState, str]] = {
    "submit": (ReviewState.DRAFTING, ReviewState.IN_REVIEW, "review.submit"),
    "return": (ReviewState.IN_REVIEW, ReviewState.DRAFTING, "review.decide"),
    "approve": (ReviewState.IN_REVIEW, ReviewState.APPROVED, "review.decide"),
}


class DeskDraft(BaseModel):
    """The draft as the desk shows it: the draft, its review state and version, and what to look at."""

    draft: Draft
    state: ReviewState
    version: int = Field(description="Send it back with every edit; a stale one is refused (409).")
    comment: str = Field(description="The last comment of the reviewer (when returned).")
    changes: list[str] = Field(description="What changed since the last review, one line each.")
    warnings: list[str] = Field(description="What to fix before review.")


def snapshot(draft: Draft, columns: list[str]) -> dict[str, Any]:
    """What a reviewer compares: numbers, cover and the printed articles in order."""
    return {
        "number": draft.number,
        "total_number": draft.total_number,
        "date": draft.date.isoformat(),
        "cover": draft.cover_headline,
        "items": {
            str(item.article_id): {
                "title": item.printed_title,
                "column": item.column,
                "position": item.position,
                "source": item.printed_source,
                "url": item.printed_url,
                "lead": item.new_lead,
            }
            for item in draft.included(columns)
        },
    }


def changes_between(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What changed from ``before`` (the last reviewed snapshot) to ``after``, in words.

    >>> a = {"cover": "甲", "items": {"1": {"title": "旧", "column": "国策要论", "position": 0}}}
    >>> changes_between(a, {"cover": "甲", "items": {"1": {"title": "新", "column": "国策要论", "position": 0}}})
    ['#1 标题：《旧》→《新》']
    """
    if before is None:
        return []
    lines: list[str] = []
    for key, label in (("cover", "封面标题"), ("number", "期"), ("total_number", "总期"), ("date", "日期")):
        if before.get(key) != after.get(key):
            lines.append(f"{label}：{before.get(key)} → {after.get(key)}")
    old, new = before.get("items", {}), after.get("items", {})
    for key, item in new.items():
        if key not in old:
            lines.append(f"新增 #{key}《{item['title']}》（{item['column']}）")
            continue
        was = old[key]
        if was["title"] != item["title"]:
            lines.append(f"#{key} 标题：《{was['title']}》→《{item['title']}》")
        if (was["column"], was["position"]) != (item["column"], item["position"]):
            where = f"{was['column']}第{was['position'] + 1}篇 → {item['column']}第{item['position'] + 1}篇"
            lines.append(f"#{key} 位置：{where}")
        for field, label in (("source", "来源"), ("url", "原文链接"), ("lead", "导语")):
            if was.get(field) != item.get(field):
                lines.append(f"#{key} {label}已修改")
    lines.extend(f"撤下 #{key}《{item['title']}》" for key, item in old.items() if key not in new)
    return lines


def draft_warnings(draft: Draft, columns: list[str]) -> list[str]:
    """What to fix before review: missing source or link, duplicate titles, empty columns, long titles."""
    included = draft.included(columns)
    warnings = [f"栏目“{c}”没有文章" for c in columns if not any(i.column == c for i in included)]
    seen: dict[str, int] = {}
    for item in included:
        title = item.printed_title
        if not item.printed_source:
            warnings.append(f"#{item.article_id}《{title}》缺少来源")
        if not item.printed_url:
            warnings.append(f"#{item.article_id}《{title}》缺少原文链接")
        if len(title) > LONG_TITLE:
            warnings.append(f"#{item.article_id} 标题过长（{len(title)}字，建议不超过{LONG_TITLE}字）")
        key = "".join(title.split())
        if key in seen:
            warnings.append(f"#{item.article_id} 与 #{seen[key]} 标题重复")
        seen.setdefault(key, item.article_id)
    if not draft.cover_headline.strip():
        warnings.append("没有封面标题")
    return warnings


class Desk:
    """The desk's work on the newest open draft of the profile's series."""

    def __init__(self, store: Store, profile: Profile) -> None:
        self.store = store
        self.profile = profile
        self.repo = DraftRepository(store)

    @property
    def columns(self) -> list[str]:
        return self.profile.column_names

    def _review(self, draft_id: int) -> ReviewRow:
        with self.store.session() as session, session.begin():
            row = session.get(ReviewRow, draft_id)
            if row is None:
                row = ReviewRow(draft_id=draft_id, state=ReviewState.DRAFTING.value, version=1, comment="")
                session.add(row)
            return row

    def current(self, draft_id: int | None = None) -> DeskDraft:
        """The newest open draft (or draft ``draft_id``) with its review state."""
        draft = self.repo.get(draft_id=draft_id) if draft_id is not None else self.repo.get()
        assert draft.id is not None
        review = self._review(draft.id)
        state = ReviewState.PUBLISHED if draft.status is DraftStatus.PUBLISHED else ReviewState(review.state)
        return DeskDraft(
            draft=draft,
            state=state,
            version=review.version,
            comment=review.comment,
            changes=changes_between(review.reviewed, snapshot(draft, self.columns)),
            warnings=draft_warnings(draft, self.columns),
        )

    def glance(self) -> tuple[int, set[int]]:
        """The open draft's version and the ids of its articles, cheaply (0 and none without a draft)."""
        newest = (
            select(DraftRow.id)
            .where(DraftRow.status == DraftStatus.OPEN.value)
            .order_by(DraftRow.created_at.desc(), DraftRow.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        included = and_(DraftItemRow.draft_id == DraftRow.id, DraftItemRow.state == ItemState.INCLUDED.value)
        query = (
            select(ReviewRow.version, DraftItemRow.article_id)
            .select_from(DraftRow)
            .outerjoin(ReviewRow, ReviewRow.draft_id == DraftRow.id)
            .outerjoin(DraftItemRow, included)
            .where(DraftRow.id == newest)
        )  # one query: every inbox page asks
        with self.store.session() as session:
            rows = session.execute(query).all()
        if not rows:
            return 0, set()
        return rows[0].version or 1, {row.article_id for row in rows if row.article_id is not None}

    def ensure_draft(self, by: str, date: dt.date | None = None) -> DeskDraft:
        """The open draft, or a new empty one for the next issue (numbered by the rules)."""
        try:
            return self.current()
        except NotFoundError:
            pass
        day = date or dt.date.today()
        numbering = next_numbers(self.repo.series_numbers(self.profile.series.title), day)
        draft = self.repo.save(
            Draft(
                series=self.profile.series.title,
                number=numbering.number,
                total_number=numbering.total_number,
                date=day,
                window_from=day - dt.timedelta(days=14),
                window_to=day,
                numbering_reason=numbering.reason,
            )
        )
        with self.store.session() as session, session.begin():
            record(session, by, "draft.create", "draft", draft.id, None, snapshot(draft, self.columns))
        return self.current(draft.id)

    def _claim(self, draft_id: int, version: int, state: ReviewState | None, values: dict[str, Any]) -> None:
        """Move the draft from ``version`` to the next (with ``values``), or raise the conflict."""
        with self.store.session() as session, session.begin():
            query = update(ReviewRow).where(ReviewRow.draft_id == draft_id, ReviewRow.version == version)
            if state is not None:
                query = query.where(ReviewRow.state == state.value)
            done = session.execute(
                query.values(**values, version=version + 1, updated_at=dt.datetime.now(dt.UTC))
            )
            claimed = getattr(done, "rowcount", 0) == 1
        if not claimed:
            current = self.current(draft_id)
            if current.version != version:
                raise ConflictError(
                    f"草稿已被他人修改（你的版本 {version}，当前版本 {current.version}），请查看当前内容后重做",
                    current=current.model_dump(mode="json"),
                )
            raise DeskError(f"草稿当前状态为“{STATE_LABELS[current.state.value]}”，不能这样操作")

    def edit(self, version: int, by: str, action: str, change: Callable[[Draft, DraftRepository], str]) -> str:
        """Apply ``change`` to the open draft made on ``version``; only while drafting. Returns what it did."""
        current = self.current()
        if current.state is not ReviewState.DRAFTING:
            raise DeskError(f"草稿“{STATE_LABELS[current.state.value]}”，退回后才能修改")
        if current.version != version:
            raise ConflictError(
                f"草稿已被他人修改（你的版本 {version}，当前版本 {current.version}），请查看当前内容后重做",
                current=current.model_dump(mode="json"),
            )
        draft = current.draft
        assert draft.id is not None
        before = snapshot(draft, self.columns)
        message = change(draft, self.repo)
        self._claim(draft.id, version, ReviewState.DRAFTING, {})
        self.repo.save(draft)
        with self.store.session() as session, session.begin():
            record(session, by, action, "draft", draft.id, before, snapshot(draft, self.columns), message)
        return message

    def transition(self, name: str, version: int, by: str, role: Role, comment: str = "") -> DeskDraft:
        """Submit, return (with a comment) or approve the open draft; the role must be allowed."""
        if name not in TRANSITIONS:
            raise DeskError(f"没有这种操作：{name}")
        source, target, action = TRANSITIONS[name]
        if not allowed(role, action):
            raise ForbiddenError(f"角色“{role.value}”不能执行“{name}”")
        current = self.current()
        draft = current.draft
        assert draft.id is not None
        values: dict[str, Any] = {"state": target.value}
        if name == "submit" and not draft.included(self.columns):
            raise DeskError("本期没有文章，不能提交审核")
        if name == "return":
            if not comment.strip():
                raise DeskError("退回时请写明意见")
            values["comment"] = comment.strip()[:2000]
        if name in ("return", "approve"):
            values["reviewed"] = snapshot(draft, self.columns)
        self._claim(draft.id, version, source, values)
        with self.store.session() as session, session.begin():
            record(session, by, f"review.{name}", "draft", draft.id, {"state": source.value},
                   {"state": target.value}, comment.strip())
        return self.current(draft.id)

    def publish(self, version: int, by: str, role: Role) -> Issue:
        """Publish the approved draft through the compose stage; an unapproved or empty draft is refused."""
        if not allowed(role, "issue.publish"):
            raise ForbiddenError(f"角色“{role.value}”不能发布")
        current = self.current()
        draft = current.draft
        assert draft.id is not None
        if current.state is not ReviewState.APPROVED:
            raise DeskError(f"草稿“{STATE_LABELS[current.state.value]}”，批准后才能发布")
        self._claim(draft.id, version, ReviewState.APPROVED, {"state": ReviewState.PUBLISHED.value})
        try:
            issue = publish_draft(self.repo, self.profile, draft.total_number)
        except Exception:
            # Nothing was published: the draft goes back to approved so it can be tried again.
            self._claim(draft.id, version + 1, ReviewState.PUBLISHED, {"state": ReviewState.APPROVED.value})
            raise
        with self.store.session() as session, session.begin():
            row = session.scalar(select(IssueRow).where(IssueRow.total_number == issue.total_number,
                                                        IssueRow.series == issue.series))
            assert row is not None
            session.add(IssueVersionRow(issue_id=row.id, version=1, note="", snapshot=issue.model_dump(mode="json")))
            record(session, by, "issue.publish", "issue", row.id, {"state": "approved"},
                   {"state": "published", "total_number": issue.total_number})
        return issue

    def preview(self) -> Issue:
        """The issue the open draft would publish (pages not yet known)."""
        draft = self.current().draft
        included = draft.included(self.columns)
        return draft_issue(draft, self.repo.articles(i.article_id for i in included), self.profile)


__all__ = ["TRANSITIONS", "Desk", "DeskDraft", "ReviewState", "changes_between", "draft_warnings", "snapshot"]
