"""The desk in the API (``/api/v1/desk/…``): everything the desk pages do, for scripts with a token.

Send ``Authorization: Bearer TOKEN`` (``policydigest users token NAME``), or a session cookie with the
``X-CSRF-Token`` header (``GET /api/v1/desk/me`` says it). Every change carries the ``version`` it was
made on; a stale one gets 409 with the current state in ``details``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from pydantic import BaseModel, Field

from policydigest.desk import corrections
from policydigest.desk.accounts import Accounts
from policydigest.desk.actions import DeskActions
from policydigest.desk.audit import AuditEntry, read_audit
from policydigest.desk.corrections import IssueVersion
from policydigest.desk.inbox import CandidateState, InboxFilters, InboxPage
from policydigest.desk.workflow import DeskDraft
from policydigest.web.auth import Principal, require
from policydigest.web.problems import ERROR_RESPONSES

AUTH_RESPONSES = {
    **ERROR_RESPONSES,
    401: {"description": "No session or API token"},
    403: {"description": "The role may not, or the CSRF token is missing"},
    409: {"description": "Made on a stale version; details hold the current state"},
}
api = APIRouter(prefix="/api/v1/desk", tags=["desk"], responses=AUTH_RESPONSES)


def published(request: Request, desk: DeskActions) -> None:
    """After publishing or correcting: readers' cached pages and the inbox are out of date."""
    request.app.state.context.cache.clear()
    desk.inbox.forget()


def get_actions(request: Request) -> DeskActions:
    """The app's desk, made on first use."""
    found: DeskActions | None = getattr(request.app.state, "desk_actions", None)
    if found is None:
        ctx = request.app.state.context
        found = DeskActions.build(ctx.store, ctx.settings, ctx.profile)
        request.app.state.desk_actions = found
    return found


Actions = Annotated[DeskActions, Depends(get_actions)]
ArticleId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The article's id.")]


def who(action: str) -> object:
    """The dependency of a route that does ``action`` (see ``desk.roles.ACTIONS``)."""
    return Depends(require(action))


class Me(BaseModel):
    """The signed-in account."""

    name: str
    role: str
    csrf: str = Field(description="Send it as X-CSRF-Token with changes made on a session cookie.")


class Done(BaseModel):
    """What a change did, and the version to send with the next one."""

    message: str
    version: int


class Versioned(BaseModel):
    """A change made on ``version``."""

    version: int = Field(ge=0, le=2**31 - 1)


class StateChange(Versioned):
    state: CandidateState


class Assignment(Versioned):
    user: str | None = Field(default=None, max_length=64, description="The person; null: nobody.")


class Publicity(Versioned):
    public: bool


class NewUrl(BaseModel):
    url: str = Field(min_length=8, max_length=2000)


class Added(BaseModel):
    message: str
    article_id: int | None


class Placement(Versioned):
    column: str | None = Field(default=None, max_length=50)
    direction: Literal["up", "down"] | None = None


class TextEdit(Versioned):
    title: str | None = Field(default=None, max_length=200)
    lead: str | None = Field(default=None, max_length=2000)
    source: str | None = Field(default=None, max_length=100)
    url: str | None = Field(default=None, max_length=2000)


class IssueEdit(Versioned):
    cover_headline: str | None = Field(default=None, max_length=200)
    date: dt.date | None = None
    number: int | None = Field(default=None, ge=1, le=1000)
    total_number: int | None = Field(default=None, ge=1, le=100000)


class Review(Versioned):
    comment: str = Field(default="", max_length=2000)


@api.get("/me", response_model=Me, summary="The signed-in account (and the CSRF token of its session)")
def me(user: Annotated[Principal, who("desk.view")]) -> Me:
    return Me(name=user.user.name, role=user.user.role.value, csrf=user.csrf)


@api.get("/inbox", response_model=InboxPage, summary="Candidates not in a published issue, filtered and paged")
def inbox(
    desk: Actions,
    _user: Annotated[Principal, who("desk.view")],
    filters: Annotated[InboxFilters, Param()],
    offset: Annotated[int, Param(ge=0, le=100000)] = 0,
    limit: Annotated[int, Param(ge=1, le=200)] = 50,
) -> InboxPage:
    return desk.inbox.page(filters, offset=offset, limit=limit)


@api.post("/inbox/{article_id}/state", response_model=Done, summary="Reject, defer or renew a candidate")
def set_state(
    desk: Actions, article_id: ArticleId, body: StateChange, user: Annotated[Principal, who("inbox.decide")]
) -> Done:
    message = desk.decide(user.user, article_id, body.version, body.state)
    return Done(message=message, version=desk.inbox.version(article_id))


@api.post("/inbox/{article_id}/assign", response_model=Done, summary="Claim a candidate or assign it")
def assign(
    desk: Actions, article_id: ArticleId, body: Assignment, user: Annotated[Principal, who("inbox.claim")]
) -> Done:
    message = desk.assign(user.user, article_id, body.version, body.user)
    return Done(message=message, version=desk.inbox.version(article_id))


@api.post("/inbox/{article_id}/public", response_model=Done, summary="Show one article to readers (or not)")
def publicise(
    desk: Actions, article_id: ArticleId, body: Publicity, user: Annotated[Principal, who("article.publicise")]
) -> Done:
    message = desk.publicise(user.user, article_id, body.version, body.public)
    return Done(message=message, version=desk.inbox.version(article_id))


@api.post("/inbox/urls", response_model=Added, summary="Add a candidate by URL (fetched with the address checks)")
def add_url(desk: Actions, body: NewUrl, user: Annotated[Principal, who("inbox.suggest")]) -> Added:
    message, article_id = desk.add_url(user.user, body.url)
    return Added(message=message, article_id=article_id)


@api.get("/draft", response_model=DeskDraft, summary="The open draft: columns, review state, warnings, changes")
def draft(desk: Actions, _user: Annotated[Principal, who("desk.view")]) -> DeskDraft:
    return desk.desk.current()


def _done(desk: DeskActions, message: str) -> Done:
    return Done(message=message, version=desk.desk.current().version)


@api.post("/draft/items/{article_id}", response_model=Done, summary="加入本期: put a candidate in the draft")
def add_item(
    desk: Actions, article_id: ArticleId, body: Placement, user: Annotated[Principal, who("draft.arrange")]
) -> Done:
    return _done(desk, desk.add_to_issue(user.user, article_id, body.version, body.column))


@api.post("/draft/items/{article_id}/move", response_model=Done, summary="上移, 下移, or to another column")
def move_item(
    desk: Actions, article_id: ArticleId, body: Placement, user: Annotated[Principal, who("draft.arrange")]
) -> Done:
    return _done(desk, desk.move(user.user, article_id, body.version, direction=body.direction, column=body.column))


@api.post("/draft/items/{article_id}/drop", response_model=Done, summary="移出本期")
def drop_item(
    desk: Actions, article_id: ArticleId, body: Versioned, user: Annotated[Principal, who("draft.arrange")]
) -> Done:
    return _done(desk, desk.drop(user.user, article_id, body.version))


@api.patch("/draft/items/{article_id}", response_model=Done, summary="Edit title, lead, source or link")
def edit_item(
    desk: Actions, article_id: ArticleId, body: TextEdit, user: Annotated[Principal, who("draft.text")]
) -> Done:
    message = desk.edit_text(
        user.user, article_id, body.version, title=body.title, lead=body.lead, source=body.source, url=body.url
    )
    return _done(desk, message)


@api.patch("/draft", response_model=Done, summary="Cover headline, date, 期 and 总期")
def edit_issue(desk: Actions, body: IssueEdit, user: Annotated[Principal, who("draft.arrange")]) -> Done:
    message = desk.set_issue(
        user.user, body.version, cover=body.cover_headline, date=body.date, number=body.number,
        total_number=body.total_number,
    )
    return _done(desk, message)


@api.post("/draft/submit", response_model=DeskDraft, summary="提交审核")
def submit(desk: Actions, body: Review, user: Annotated[Principal, who("review.submit")]) -> DeskDraft:
    return desk.desk.transition("submit", body.version, user.user.name, user.user.role)


@api.post("/draft/return", response_model=DeskDraft, summary="退回 with a comment")
def send_back(desk: Actions, body: Review, user: Annotated[Principal, who("review.decide")]) -> DeskDraft:
    return desk.desk.transition("return", body.version, user.user.name, user.user.role, body.comment)


@api.post("/draft/approve", response_model=DeskDraft, summary="批准")
def approve(desk: Actions, body: Review, user: Annotated[Principal, who("review.decide")]) -> DeskDraft:
    return desk.desk.transition("approve", body.version, user.user.name, user.user.role, body.comment)


class Published(BaseModel):
    total_number: int
    number: int
    articles: int
    queued: int = Field(description="Messages newly queued for subscribers who want the whole issue.")
    mail_note: str = Field(
        description="Why nothing was queued, or why the queued mail cannot be sent yet (Chinese); empty otherwise."
    )


@api.post("/draft/publish", response_model=Published, summary="发布 the approved draft")
def publish(
    request: Request, desk: Actions, body: Versioned, user: Annotated[Principal, who("issue.publish")]
) -> Published:
    issue, handoff = desk.publish(user.user, body.version)
    published(request, desk)
    return Published(
        total_number=issue.total_number, number=issue.number, articles=len(issue.articles), queued=handoff.queued,
        mail_note=handoff.note,
    )


@api.get("/audit", response_model=list[AuditEntry], summary="The audit log, newest first")
def audit(
    desk: Actions,
    _user: Annotated[Principal, who("audit.view")],
    person: Annotated[str | None, Param(alias="user", max_length=64)] = None,
    subject: Annotated[Literal["issue", "draft", "article", "user", "subscriber"] | None, Param()] = None,
    subject_id: Annotated[int | None, Param(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Param(ge=1, le=500)] = 100,
    offset: Annotated[int, Param(ge=0, le=100000)] = 0,
) -> list[AuditEntry]:
    return read_audit(desk.store, user=person, subject=subject, subject_id=subject_id, limit=limit, offset=offset)


class Correction(BaseModel):
    note: str = Field(min_length=1, max_length=1000, description="What was corrected (printed with the date).")
    titles: dict[int, str] = Field(default_factory=dict, description="New titles by article id.")


TotalNumber = Annotated[int, PathParam(ge=1, le=100000, description="The issue's 总期.")]


@api.post("/issues/{total_number}/corrections", response_model=IssueVersion, summary="更正: a new version")
def correct_issue(
    request: Request,
    desk: Actions,
    total_number: TotalNumber,
    body: Correction,
    user: Annotated[Principal, who("issue.correct")],
) -> IssueVersion:
    number = corrections.correct(desk.store, total_number, user.user.name, body.note, body.titles)
    published(request, desk)
    return corrections.versions(desk.store, total_number)[number - 1]


@api.get("/issues/{total_number}/versions", response_model=list[IssueVersion], summary="Versions of an issue")
def issue_versions(
    desk: Actions, total_number: TotalNumber, _user: Annotated[Principal, who("desk.view")]
) -> list[IssueVersion]:
    return corrections.versions(desk.store, total_number)


class Account(BaseModel):
    """A desk account (never its password)."""

    name: str
    role: str
    active: bool


class NewAccount(BaseModel):
    name: str = Field(min_length=2, max_length=64)
    role: Literal["contributor", "editor", "chief", "admin"]
    password: str = Field(min_length=10, max_length=1024)


@api.get("/users", response_model=list[Account], summary="Every desk account (admins)")
def list_users(desk: Actions, _user: Annotated[Principal, who("users.manage")]) -> list[Account]:
    return [Account(name=u.name, role=u.role.value, active=u.active) for u in Accounts(desk.store).list()]


@api.post("/users", response_model=Account, status_code=201, summary="Add a desk account (admins)")
def add_user(desk: Actions, body: NewAccount, user: Annotated[Principal, who("users.manage")]) -> Account:
    made = Accounts(desk.store).add(body.name, body.role, body.password, by=user.user.name)
    return Account(name=made.name, role=made.role.value, active=made.active)
