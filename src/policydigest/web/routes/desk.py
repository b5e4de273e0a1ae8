"""The desk pages: ``/desk/inbox`` (candidates), ``/desk/draft`` (the issue, its review, publishing) and
``/desk/audit``. Every button is a form (works by keyboard and without script) that answers with a
redirect back, saying what happened or what was refused (a stale edit shows the current draft)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from policydigest.desk import corrections, workflow
from policydigest.desk import inbox as inbox_module
from policydigest.desk.actions import DeskActions
from policydigest.desk.audit import read_audit
from policydigest.desk.inbox import CandidateState, InboxFilters
from policydigest.desk.roles import allowed
from policydigest.errors import ConflictError, DeskError, NotFoundError
from policydigest.web.auth import Principal, require
from policydigest.web.context import WebContext, get_context
from policydigest.web.downloads import issue_file
from policydigest.web.routes.desk_api import Actions, published
from policydigest.web.routes.login import desk_values

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
ArticleId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Version = Annotated[int, Form(ge=0, le=2**31 - 1)]
PAGE_SIZE = 50


def signed(action: str) -> Any:
    """The dependency of a page that needs ``action``."""
    return Depends(require(action))


def _back(path: str, *, flash: str = "", problem: str = "") -> RedirectResponse:
    said = {k: v[:300] for k, v in (("flash", flash), ("problem", problem)) if v}
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(path + (joiner + urlencode(said) if said else ""), status_code=303)


def _do(path: str, work: Callable[[], str]) -> RedirectResponse:
    """Run a desk action; back to ``path`` with its message, or with the refusal."""
    try:
        return _back(path, flash=work())
    except ConflictError as exc:
        return _back(path, problem=f"{exc}。下面是当前内容。")
    except (DeskError, NotFoundError) as exc:
        return _back(path, problem=str(exc))


def _page(ctx: WebContext, who: Principal, name: str, values: dict[str, Any]) -> HTMLResponse:
    response = ctx.page(name, desk_values(who, values))
    response.headers["cache-control"] = "no-store"
    return response


# ---- inbox ---------------------------------------------------------------------------------------


@pages.get("/desk", response_class=HTMLResponse)
def desk_home(_who: Annotated[Principal, signed("desk.view")]) -> Response:
    """The desk starts at the inbox."""
    return RedirectResponse("/desk/inbox", status_code=303)


@pages.get("/desk/inbox", response_class=HTMLResponse)
def inbox_page(
    ctx: Ctx,
    desk: Actions,
    request: Request,
    who: Annotated[Principal, signed("desk.view")],
    filters: Annotated[InboxFilters, Param()],
    offset: Annotated[int, Param(ge=0, le=100000)] = 0,
    flash: Annotated[str, Param(max_length=300)] = "",
    problem: Annotated[str, Param(max_length=300)] = "",
) -> HTMLResponse:
    """Candidates with their suggested column, region, topics and ranking; filters; paging; actions."""
    found = desk.inbox.page(filters, offset=offset, limit=PAGE_SIZE)
    draft_version, in_draft = desk.desk.glance()
    scores = desk.explanations([row.article_id for row in found.items])
    query = {k: v for k, v in request.query_params.items() if k not in ("offset", "flash", "problem")}
    pages_at = {
        "prev": urlencode({**query, "offset": max(0, offset - PAGE_SIZE)}) if offset > 0 else None,
        "next": urlencode({**query, "offset": offset + PAGE_SIZE}) if offset + PAGE_SIZE < found.total else None,
    }
    return _page(ctx, who, "desk_inbox.html.j2", {
        "nav": "inbox", "found": found, "filters": filters, "options": desk.inbox.options(),
        "states": inbox_module.STATE_LABELS, "draft_version": draft_version, "in_draft": in_draft,
        "scores": scores, "pages_at": pages_at, "flash": flash, "problem": problem,
        "can": {a: allowed(who.user.role, a) for a in ("inbox.decide", "draft.arrange", "article.publicise")},
        "columns": ctx.profile.column_names,
    })


@pages.post("/desk/inbox/{article_id}/add")
def add_to_issue(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("draft.arrange")],
    column: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    """加入本期."""
    return _do("/desk/inbox", lambda: desk.add_to_issue(who.user, article_id, version, column or None))


@pages.post("/desk/inbox/{article_id}/state")
def set_state(
    desk: Actions, article_id: ArticleId, version: Version, state: Annotated[CandidateState, Form()],
    who: Annotated[Principal, signed("inbox.decide")],
) -> Response:
    """不用 / 下期再议 / 恢复."""
    return _do("/desk/inbox", lambda: desk.decide(who.user, article_id, version, state))


@pages.post("/desk/inbox/{article_id}/assign")
def assign(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("inbox.claim")],
    user: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """认领 (no user: oneself) or assign to a person."""
    return _do("/desk/inbox", lambda: desk.assign(who.user, article_id, version, user or who.user.name))


@pages.post("/desk/inbox/{article_id}/public")
def publicise(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("article.publicise")],
    public: Annotated[bool, Form()] = False,
) -> Response:
    """Show one article to readers before any issue carries it (or not)."""
    return _do("/desk/inbox", lambda: desk.publicise(who.user, article_id, version, public))


@pages.post("/desk/inbox/url")
def add_url(
    desk: Actions, who: Annotated[Principal, signed("inbox.suggest")], url: Annotated[str, Form(max_length=2000)]
) -> Response:
    """Add a candidate by URL."""
    return _do("/desk/inbox", lambda: desk.add_url(who.user, url)[0])


# ---- draft, review, publish -----------------------------------------------------------------------


@pages.get("/desk/draft", response_class=HTMLResponse)
def draft_page(
    ctx: Ctx,
    desk: Actions,
    who: Annotated[Principal, signed("desk.view")],
    flash: Annotated[str, Param(max_length=300)] = "",
    problem: Annotated[str, Param(max_length=300)] = "",
) -> HTMLResponse:
    """The next issue by column, in order; inline edits; warnings; review and publishing."""
    try:
        current = desk.desk.current()
    except NotFoundError:
        current = None
    columns = ctx.profile.column_names
    included = current.draft.included(columns) if current else []
    return _page(ctx, who, "desk_draft.html.j2", {
        "nav": "draft", "current": current, "columns": columns, "flash": flash, "problem": problem,
        "by_column": {c: [i for i in included if i.column == c] for c in columns},
        "review_labels": workflow.STATE_LABELS,
        "issues": ctx.library.issues(limit=5)[0] if allowed(who.user.role, "issue.correct") else [],
        "can": {a: allowed(who.user.role, a) for a in (
            "draft.arrange", "draft.text", "review.submit", "review.decide", "issue.publish")},
    })


@pages.post("/desk/draft/items/{article_id}/move")
def move_item(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("draft.arrange")],
    direction: Annotated[str, Form(max_length=10)] = "", column: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    """上移 / 下移 / 移至栏目."""
    return _do("/desk/draft", lambda: desk.move(
        who.user, article_id, version, direction=direction or None, column=column or None))


@pages.post("/desk/draft/items/{article_id}/drop")
def drop_item(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("draft.arrange")]
) -> Response:
    """移出本期."""
    return _do("/desk/draft", lambda: desk.drop(who.user, article_id, version))


@pages.post("/desk/draft/items/{article_id}/text")
def edit_item(
    desk: Actions, article_id: ArticleId, version: Version, who: Annotated[Principal, signed("draft.text")],
    title: Annotated[str | None, Form(max_length=1000)] = None,
    lead: Annotated[str | None, Form(max_length=5000)] = None,
    source: Annotated[str | None, Form(max_length=1000)] = None,
    url: Annotated[str | None, Form(max_length=5000)] = None,
) -> Response:
    """Inline edit of title, lead, source and link."""
    return _do("/desk/draft", lambda: desk.edit_text(
        who.user, article_id, version, title=title, lead=lead, source=source, url=url))


@pages.post("/desk/draft/issue")
def edit_issue(
    desk: Actions, version: Version, who: Annotated[Principal, signed("draft.arrange")],
    cover: Annotated[str | None, Form(max_length=1000)] = None,
    date: Annotated[dt.date | None, Form()] = None,
    number: Annotated[int | None, Form(ge=1, le=1000)] = None,
    total_number: Annotated[int | None, Form(ge=1, le=100000)] = None,
) -> Response:
    """Cover headline, date, 期, 总期."""
    return _do("/desk/draft", lambda: desk.set_issue(
        who.user, version, cover=cover, date=date, number=number, total_number=total_number))


def _review(desk: DeskActions, name: str, version: int, who: Principal, comment: str = "") -> str:
    desk.desk.transition(name, version, who.user.name, who.user.role, comment)
    return {"submit": "已提交审核", "return": "已退回编辑", "approve": "已批准，可以发布"}[name]


@pages.post("/desk/draft/submit")
def submit(desk: Actions, version: Version, who: Annotated[Principal, signed("review.submit")]) -> Response:
    """提交审核."""
    return _do("/desk/draft", lambda: _review(desk, "submit", version, who))


@pages.post("/desk/draft/return")
def send_back(
    desk: Actions, version: Version, who: Annotated[Principal, signed("review.decide")],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """退回 with a comment."""
    return _do("/desk/draft", lambda: _review(desk, "return", version, who, comment))


@pages.post("/desk/draft/approve")
def approve(desk: Actions, version: Version, who: Annotated[Principal, signed("review.decide")]) -> Response:
    """批准."""
    return _do("/desk/draft", lambda: _review(desk, "approve", version, who))


@pages.post("/desk/draft/publish")
def publish(
    request: Request, desk: Actions, version: Version, who: Annotated[Principal, signed("issue.publish")]
) -> Response:
    """发布: publish the approved draft; then the issue is on the public site."""

    def work() -> str:
        issue, handoff = desk.publish(who.user, version)
        published(request, desk)
        mailed = f"；已为 {handoff.queued} 位订阅者排队邮件" if handoff.queued else ""
        mailed += f"；{handoff.note}" if handoff.note else ""
        return f"已发布 第{issue.number}期 总第{issue.total_number}期（/issues/{issue.total_number}）{mailed}"

    return _do("/desk/draft", work)


@pages.get("/desk/draft/preview", response_class=HTMLResponse)
def preview(ctx: Ctx, desk: Actions, _who: Annotated[Principal, signed("desk.view")]) -> Response:
    """The draft as the HTML edition will show it."""
    from policydigest.render.html import render_html

    issue = desk.desk.preview()
    body = render_html(issue, columns=ctx.profile.column_names)
    return HTMLResponse(body, headers={"cache-control": "no-store"})


@pages.get("/desk/draft/preview.pdf")
def preview_pdf(desk: Actions, _who: Annotated[Principal, signed("desk.view")]) -> Response:
    """The draft as the real bulletin PDF."""
    return Response(desk.preview.pdf(), media_type="application/pdf", headers={"cache-control": "no-store"})


@pages.get("/desk/draft/pages", response_class=HTMLResponse)
def preview_pages(ctx: Ctx, desk: Actions, who: Annotated[Principal, signed("desk.view")]) -> HTMLResponse:
    """Images of the rendered PDF's pages, 本期要目 with its true page numbers included."""
    version = desk.desk.current().version
    values = {"nav": "draft", "pages": desk.preview.page_count(), "version": version}
    return _page(ctx, who, "desk_pages.html.j2", values)


@pages.get("/desk/draft/pages/{number}.png")
def preview_page(
    desk: Actions, number: Annotated[int, PathParam(ge=1, le=500)], _who: Annotated[Principal, signed("desk.view")]
) -> Response:
    """One page of the draft's PDF as an image."""
    return Response(desk.preview.page_png(number), media_type="image/png", headers={"cache-control": "no-store"})


# ---- audit --------------------------------------------------------------------------------------


@pages.get("/desk/audit", response_class=HTMLResponse)
def audit_page(
    ctx: Ctx, desk: Actions, who: Annotated[Principal, signed("audit.view")],
    user: Annotated[str | None, Param(max_length=64)] = None,
    subject: Annotated[str | None, Param(max_length=20)] = None,
    subject_id: Annotated[int | None, Param(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """Who did what, when, before → after; per issue, article or person."""
    entries = read_audit(desk.store, user=user or None, subject=subject or None, subject_id=subject_id)
    return _page(ctx, who, "desk_audit.html.j2", {"nav": "audit", "entries": entries})


# ---- corrections and earlier versions -------------------------------------------------------------

@pages.post("/desk/issues/correct")
def correct_issue(
    request: Request, desk: Actions, who: Annotated[Principal, signed("issue.correct")],
    total_number: Annotated[int, Form(ge=1, le=100000)], note: Annotated[str, Form(max_length=1000)],
    article_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    title: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """更正 a published issue: a dated note and, optionally, one article's new title."""
    titles = {article_id: title} if article_id and title else {}

    def work() -> str:
        number = corrections.correct(desk.store, total_number, who.user.name, note, titles)
        published(request, desk)
        return f"已更正总第{total_number}期，现为第{number}版"

    return _do("/desk/draft", work)


@pages.get("/issues/{total_number}/versions/{number}.{fmt}")
def issue_version(
    ctx: Ctx, desk: Actions, total_number: Annotated[int, PathParam(ge=1, le=100000)],
    number: Annotated[int, PathParam(ge=1, le=1000)], fmt: Annotated[str, PathParam(pattern="^(html|pdf|md)$")],
) -> Response:
    """An earlier (or the current) version of a published issue, to download (readers too)."""
    return issue_file(ctx, corrections.version(desk.store, total_number, number), fmt, version=number)
