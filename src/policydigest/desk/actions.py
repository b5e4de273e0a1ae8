"""Every desk action in one place, for the web pages, the API and the CLI alike.

Each takes the acting user and the version the change was made on, checks what the role may do
beyond the route's own check (a contributor assigns only to themselves), and returns what it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from policydigest.compose import edit
from policydigest.compose.draft import candidate_item
from policydigest.compose.model import Draft, ItemState
from policydigest.compose.repository import DraftRepository
from policydigest.delivery.publishing import Handoff, hand_off
from policydigest.desk.accounts import User
from policydigest.desk.inbox import CandidateState, Inbox
from policydigest.desk.preview import Preview
from policydigest.desk.roles import allowed
from policydigest.desk.workflow import Desk
from policydigest.errors import DeskError, DraftError, ForbiddenError
from policydigest.model import Issue
from policydigest.profile import Profile
from policydigest.settings import Settings
from policydigest.store import Store


@dataclass
class DeskActions:
    """The desk over one store: its inbox, its draft, and the actions on them."""

    store: Store
    settings: Settings
    profile: Profile
    inbox: Inbox
    desk: Desk

    preview: Preview
    scores: dict[tuple[int, dt.date], tuple[float, str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store, settings: Settings, profile: Profile) -> DeskActions:
        """The desk over ``store``."""
        desk = Desk(store, profile)
        made = cls(store, settings, profile, Inbox(store), desk, Preview(desk))
        store.changes.subscribe(lambda _ids: made.scores.clear())
        return made

    def explanations(self, ids: list[int]) -> dict[int, tuple[float, str, str]]:
        """Score, its explanation and the column's reason of each article, for an issue dated today."""
        today = dt.date.today()
        if len(self.scores) > 100_000:  # a long-running server: start again rather than grow
            self.scores.clear()
        missing = [i for i in ids if (i, today) not in self.scores]
        for article_id, article in (self.desk.repo.articles(missing) if missing else {}).items():
            item = candidate_item(article, profile=self.profile, date=today)
            self.scores[(article_id, today)] = (item.score, item.explained, item.column_reason)
        return {i: self.scores[(i, today)] for i in ids if (i, today) in self.scores}

    def _draft(self, user: User, version: int, action: str, change: Callable[[Draft, DraftRepository], str]) -> str:
        try:
            return self.desk.edit(version, user.name, action, change)
        except DraftError as exc:
            raise DeskError(str(exc)) from None

    def _mark(self, user: User, article_id: int, state: CandidateState, action: str) -> None:
        self.inbox.change(article_id, self.inbox.version(article_id), user.name, action, state=state.value)

    # ---- the draft ----------------------------------------------------------------------------------

    def add_to_issue(self, user: User, article_id: int, version: int, column: str | None = None) -> str:
        """加入本期: bring a candidate into the draft (made when there is none) and shortlist it."""
        if version == 0:  # no draft yet: the first 加入本期 of the week starts one
            version = self.desk.ensure_draft(user.name).version
        message = self._draft(
            user, version, "draft.add", lambda d, repo: edit.add(d, self.profile, repo, article_id, column)
        )
        self._mark(user, article_id, CandidateState.SHORTLISTED, "inbox.shortlist")
        return message

    def drop(self, user: User, article_id: int, version: int, reason: str = "") -> str:
        """移出本期: take an article out of the draft; it goes back to the inbox as new."""
        message = self._draft(user, version, "draft.drop", lambda d, _: edit.drop(d, self.profile, article_id, reason))
        self._mark(user, article_id, CandidateState.NEW, "inbox.unlist")
        return message

    def move(
        self, user: User, article_id: int, version: int, *, direction: str | None = None, column: str | None = None
    ) -> str:
        """上移 / 下移 within the column (``direction`` up or down), or to the end of another ``column``."""

        def change(draft: Draft, _: DraftRepository) -> str:
            item = draft.item(article_id)
            if item is None or item.state is not ItemState.INCLUDED:
                raise DeskError(f"文章 #{article_id} 不在本期")
            if column is not None:
                return edit.move(draft, self.profile, article_id, column)
            step = {"up": -1, "down": 1}.get(direction or "")
            if step is None:
                raise DeskError("请给出移动方向（up 或 down）或目标栏目")
            return edit.move(draft, self.profile, article_id, item.column, max(1, item.position + 1 + step))

        return self._draft(user, version, "draft.move", change)

    def edit_text(
        self,
        user: User,
        article_id: int,
        version: int,
        *,
        title: str | None = None,
        lead: str | None = None,
        source: str | None = None,
        url: str | None = None,
    ) -> str:
        """Inline edit of the printed title, lead, source and original link."""
        return self._draft(
            user,
            version,
            "draft.text",
            lambda d, _: edit.edit_text(d, article_id, title=title, lead=lead, source=source, url=url),
        )

    def set_issue(
        self,
        user: User,
        version: int,
        *,
        cover: str | None = None,
        date: dt.date | None = None,
        number: int | None = None,
        total_number: int | None = None,
    ) -> str:
        """The cover headline, the date, 期 and 总期."""

        def change(draft: Draft, repo: DraftRepository) -> str:
            said: list[str] = []
            if cover is not None and cover.strip() != draft.cover_headline:
                if len(cover) > 200:
                    raise DeskError("封面标题不能超过200字")
                said.append(edit.set_cover(draft, headline=cover))
            if (date, number, total_number) != (None, None, None) and (
                (date or draft.date, number or draft.number, total_number or draft.total_number)
                != (draft.date, draft.number, draft.total_number)
            ):
                said.append(
                    edit.renumber(
                        draft, repo, number=number or draft.number, total_number=total_number or draft.total_number,
                        date=date,
                    )
                )
            return "；".join(said) or "无改动"

        return self._draft(user, version, "draft.issue", change)

    # ---- publishing --------------------------------------------------------------------------------

    def publish(self, user: User, version: int) -> tuple[Issue, Handoff]:
        """发布 the approved draft and hand it to delivery as ``policydigest publish`` does (:func:`hand_off`)."""
        issue = self.desk.publish(version, user.name, user.role)
        return issue, hand_off(self.store, self.settings, issue.total_number)

    # ---- the inbox ---------------------------------------------------------------------------------

    def decide(self, user: User, article_id: int, version: int, state: CandidateState) -> str:
        """不用 (rejected), 下期再议 (deferred) or back to new; shortlisting goes through 加入本期."""
        if state is CandidateState.SHORTLISTED:
            raise DeskError("请用“加入本期”把文章放进草稿")
        self.inbox.change(article_id, version, user.name, f"inbox.{state.value}", state=state.value)
        return f"#{article_id} 标记为{state.value}"

    def assign(self, user: User, article_id: int, version: int, assignee: str | None) -> str:
        """Claim (``assignee`` is the user) or assign to another person (editors and up)."""
        if assignee not in (None, user.name) and not allowed(user.role, "inbox.assign"):
            raise ForbiddenError(f"角色“{user.role.value}”只能认领给自己")
        assignee_id = self.inbox.user_id(assignee) if assignee else None
        self.inbox.change(article_id, version, user.name, "inbox.assign", assignee_id=assignee_id)
        return f"#{article_id} 由{assignee}负责" if assignee else f"#{article_id} 已取消分配"

    def publicise(self, user: User, article_id: int, version: int, public: bool) -> str:
        """Let readers see one article before any issue carries it (or take that back)."""
        self.inbox.change(article_id, version, user.name, "article.public", public=public)
        return f"#{article_id} " + ("已对读者公开" if public else "不再对读者公开")

    def add_url(self, user: User, url: str) -> tuple[str, int | None]:
        """Fetch a page through the fetcher (with its address checks), enrich it as an import would, and put
        it in the inbox."""
        from policydigest.ingest.add import add_inputs

        url = url.strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            raise DeskError("请输入 http 或 https 开头的网址")
        outcome = add_inputs([url], self.settings, self.store)[0]
        if outcome.article_id is None:
            raise DeskError(f"没有加入：{outcome.reason or outcome.status}")
        self.inbox.forget(frozenset({outcome.article_id}))
        if self.inbox.version(outcome.article_id) == 0:  # new to the desk: recorded as added by this user
            self.inbox.change(outcome.article_id, 0, user.name, "inbox.add_url", state=CandidateState.NEW.value)
        return f"已加入稿件池：#{outcome.article_id}（{outcome.status}）", outcome.article_id

