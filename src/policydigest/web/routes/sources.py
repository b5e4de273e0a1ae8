"""Sources: the health of every watched source (public, read-only) and re-checking one (editors only)."""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from policydigest.errors import PolicydigestError
from policydigest.ingest.catalogue import SourceSpec, load_catalogue
from policydigest.ingest.health import SourceHealth, source_health
from policydigest.store.sources import SourceRepository
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import SourceItem, SourceList

log = logging.getLogger(__name__)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["sources"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
SourceName = Annotated[str, PathParam(min_length=1, max_length=200, description="The source's name in the catalogue.")]
bearer = HTTPBearer(auto_error=False, description="The editor token (setting web_editor_token).")


class CheckQueued(BaseModel):
    """A re-check was started, or this request joined the one already running for that source."""

    source: str
    status: Literal["queued", "running"] = Field(
        default="queued", description="queued: a re-check was started; running: one was already under way."
    )


def health_report(ctx: WebContext) -> list[SourceHealth]:
    """Every source's health, catalogue sources first."""
    specs = load_catalogue(ctx.settings.catalogue_file)
    return source_health(SourceRepository(ctx.store).states(), specs, ctx.settings)


def _item(h: SourceHealth, *, editor: bool = False) -> SourceItem:
    """A source as shown: readers get the short Chinese summary, editors the raw errors as well."""
    s = h.state
    return SourceItem(
        name=h.name,
        kind=h.kind,
        url=h.url,
        health=h.health.value,
        flags=list(h.summary),
        details=list(h.flags) if editor else None,
        verified=h.verified,
        last_success_at=s.last_success_at if s else None,
        last_new_item_at=s.last_new_item_at if s else None,
        error_streak=s.error_streak if s else 0,
        items_per_week=round(h.items_per_week, 2),
        pending=s.pending if s else 0,
    )


def check_editor(ctx: WebContext, token: str | None) -> None:
    """Refuse (401) unless ``token`` is the editor token; refuse (403) when no token is configured."""
    expected = ctx.settings.web_editor_token
    if expected is None or not expected.get_secret_value():
        raise HTTPException(403, "编辑功能未开启：没有设置编辑口令（web_editor_token）")
    if not token or not secrets.compare_digest(token.encode(), expected.get_secret_value().encode()):
        raise HTTPException(401, "需要有效的编辑口令", headers={"WWW-Authenticate": "Bearer"})


def is_editor(ctx: WebContext, token: str | None) -> bool:
    """Whether ``token`` is the editor token (never raises)."""
    try:
        check_editor(ctx, token)
    except HTTPException:
        return False
    return True


def _spec(ctx: WebContext, name: str) -> SourceSpec:
    for spec in load_catalogue(ctx.settings.catalogue_file):
        if spec.name == name:
            return spec
    raise HTTPException(404, f"来源目录里没有“{name}”")


def recheck(ctx: WebContext, spec: SourceSpec) -> None:
    """Crawl one source now (due or not); any failure is logged and recorded in its health, never raised.

    It runs as a background task, where nothing above it would see an error: every exception is caught.
    """
    from policydigest.ingest.crawl import crawl_once

    try:
        report = crawl_once(ctx.settings, ctx.store, catalogue=[spec], force=True)
    except Exception as exc:
        log.warning("re-check of source %r failed: %s", spec.name, exc, exc_info=not isinstance(exc, PolicydigestError))
        _record_failure(ctx, spec, exc)
        return
    log.info("re-checked source %r: %d stored", spec.name, report.stored)


def _record_failure(ctx: WebContext, spec: SourceSpec, exc: Exception) -> None:
    """Put a failed re-check into the source's health (its error streak and last error)."""
    why = str(exc) if isinstance(exc, PolicydigestError) else f"re-check failed: {type(exc).__name__}: {exc}"
    try:
        repo = SourceRepository(ctx.store)
        repo.record_run(repo.ensure_source(spec.name, spec.kind, spec.address, spec.interval_minutes), error=why)
    except Exception as again:
        log.error("the failed re-check of %r could not be recorded either: %s", spec.name, again)


class Rechecks:
    """One re-check per source at a time: a request while one runs joins it instead of starting another."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()

    def start(self, ctx: WebContext, spec: SourceSpec, tasks: BackgroundTasks) -> bool:
        """Queue a re-check of ``spec`` unless one is running; False when this request joined a running one."""
        with self._lock:
            if spec.name in self._running:
                return False
            self._running.add(spec.name)
        tasks.add_task(self._run, ctx, spec)
        return True

    def running(self, name: str) -> bool:
        """Whether a re-check of source ``name`` is queued or running."""
        with self._lock:
            return name in self._running

    def _run(self, ctx: WebContext, spec: SourceSpec) -> None:
        try:
            recheck(ctx, spec)
        finally:
            with self._lock:
                self._running.discard(spec.name)


_RECHECKS_CREATED = threading.Lock()


def rechecks_of(request: Request) -> Rechecks:
    """The app's re-check runner (made on first use)."""
    with _RECHECKS_CREATED:
        runner = getattr(request.app.state, "rechecks", None)
        if runner is None:
            runner = request.app.state.rechecks = Rechecks()
    return runner


@pages.get("/sources", response_class=HTMLResponse)
def sources_page(ctx: Ctx, checked: Annotated[str | None, Param(max_length=200)] = None) -> HTMLResponse:
    """Source health for readers: state, last success, last new item, items per week, a short summary."""
    sources = health_report(ctx)
    return ctx.page(
        "sources.html.j2",
        {
            "nav": "sources",
            "sources": [_item(h) for h in sources],
            # Only a source of the catalogue is named in the notice: the parameter cannot put words on the page.
            "checked": checked if checked in {h.name for h in sources if h.verified is not None} else None,
            "editing": ctx.settings.web_editor_token is not None,
        },
    )


@pages.post("/sources/check", response_class=HTMLResponse)
def recheck_form(
    request: Request,
    ctx: Ctx,
    tasks: BackgroundTasks,
    source: Annotated[str, Form(min_length=1, max_length=200)],
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Re-check one source (form of the sources page; the editor token is required)."""
    check_editor(ctx, token)
    spec = _spec(ctx, source)
    rechecks_of(request).start(ctx, spec, tasks)
    return RedirectResponse(f"/sources?{urlencode({'checked': spec.name})}", status_code=303)


@api.get(
    "/sources",
    response_model=SourceList,
    summary="Health of every watched source (with the editor token: the raw errors in `details`)",
)
def list_sources(request: Request, ctx: Ctx) -> SourceList:
    # Read by hand, not declared: the list is public, the token only adds the details.
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    editor = scheme.lower() == "bearer" and is_editor(ctx, token.strip())
    items = [_item(h, editor=editor) for h in health_report(ctx)]
    return SourceList(items=items, total=len(items))


@api.post(
    "/sources/{name}/check",
    response_model=CheckQueued,
    status_code=202,
    summary="Re-check one source now (editors: Authorization: Bearer TOKEN)",
    responses={401: {"description": "No or wrong editor token"}, 403: {"description": "Editing is disabled"}},
)
def recheck_api(
    request: Request,
    ctx: Ctx,
    tasks: BackgroundTasks,
    name: SourceName,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> CheckQueued:
    check_editor(ctx, credentials.credentials if credentials else None)
    spec = _spec(ctx, name)
    started = rechecks_of(request).start(ctx, spec, tasks)
    return CheckQueued(source=spec.name, status="queued" if started else "running")
