"""Sources: the health of every watched source (public, read-only) and re-checking one (signed-in editors)."""

from __future__ import annotations

import logging
import threading
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from policydigest.desk.roles import allowed
from policydigest.errors import PolicydigestError
from policydigest.ingest.catalogue import SourceSpec, load_catalogue
from policydigest.ingest.health import SourceHealth, source_health
from policydigest.store.sources import SourceRepository
from policydigest.web.auth import Principal, Viewer, require
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import SourceItem, SourceList

log = logging.getLogger(__name__)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["sources"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
SourceName = Annotated[str, PathParam(min_length=1, max_length=200, description="The source's name in the catalogue.")]
Checker = Annotated[Principal, Depends(require("sources.check"))]


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


def is_editor(who: Principal | None) -> bool:
    """Whether the signed-in user (session or API token) may re-check sources and see their raw errors."""
    return who is not None and allowed(who.user.role, "sources.check")


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
    why = str(exc) if isinstance(exc, PolicydigestError) else f"重新检查失败：{type(exc).__name__}: {exc}"
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
def sources_page(
    ctx: Ctx, who: Viewer, checked: Annotated[str | None, Param(max_length=200)] = None
) -> HTMLResponse:
    """Source health: readers get state, last success, last new item, items per week and a short summary;
    signed-in editors the raw errors and the re-check buttons as well."""
    sources = health_report(ctx)
    editor = is_editor(who)
    return ctx.page(
        "sources.html.j2",
        {
            "nav": "sources",
            "sources": [_item(h, editor=editor) for h in sources],
            # Only a source of the catalogue is named in the notice: the parameter cannot put words on the page.
            "checked": checked if checked in {h.name for h in sources if h.verified is not None} else None,
            "csrf": who.csrf if who is not None and editor else None,
        },
    )


@pages.post("/sources/check", response_class=HTMLResponse)
def recheck_form(
    request: Request,
    ctx: Ctx,
    tasks: BackgroundTasks,
    _who: Checker,
    source: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    """Re-check one source (form of the sources page, for signed-in editors)."""
    spec = _spec(ctx, source)
    rechecks_of(request).start(ctx, spec, tasks)
    return RedirectResponse(f"/sources?{urlencode({'checked': spec.name})}", status_code=303)


@api.get(
    "/sources",
    response_model=SourceList,
    summary="Health of every watched source (with an editor's API token: the raw errors in `details`)",
)
def list_sources(ctx: Ctx, who: Viewer) -> SourceList:
    items = [_item(h, editor=is_editor(who)) for h in health_report(ctx)]
    return SourceList(items=items, total=len(items))


@api.post(
    "/sources/{name}/check",
    response_model=CheckQueued,
    status_code=202,
    summary="Re-check one source now (editors: Authorization: Bearer TOKEN)",
    responses={401: {"description": "No or wrong API token"}, 403: {"description": "The role may not"}},
)
def recheck_api(request: Request, ctx: Ctx, tasks: BackgroundTasks, name: SourceName, _who: Checker) -> CheckQueued:
    spec = _spec(ctx, name)
    started = rechecks_of(request).start(ctx, spec, tasks)
    return CheckQueued(source=spec.name, status="queued" if started else "running")
