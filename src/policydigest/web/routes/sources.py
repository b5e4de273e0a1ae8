"""Sources: the health of every watched source (public, read-only) and re-checking one (signed-in editors)."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

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
    """A re-check was started."""

    source: str
    status: str = "queued"


def health_report(ctx: WebContext) -> list[SourceHealth]:
    """Every source's health, catalogue sources first."""
    specs = load_catalogue(ctx.settings.catalogue_file)
    return source_health(SourceRepository(ctx.store).states(), specs, ctx.settings)


def _item(h: SourceHealth) -> SourceItem:
    s = h.state
    return SourceItem(
        name=h.name,
        kind=h.kind,
        url=h.url,
        health=h.health.value,
        flags=list(h.flags),
        verified=h.verified,
        last_success_at=s.last_success_at if s else None,
        last_new_item_at=s.last_new_item_at if s else None,
        error_streak=s.error_streak if s else 0,
        items_per_week=round(h.items_per_week, 2),
        pending=s.pending if s else 0,
    )


def _spec(ctx: WebContext, name: str) -> SourceSpec:
    for spec in load_catalogue(ctx.settings.catalogue_file):
        if spec.name == name:
            return spec
    raise HTTPException(404, f"no source named {name!r} in the catalogue")


def recheck(ctx: WebContext, spec: SourceSpec) -> None:
    """Crawl one source now (due or not); a failure is logged and recorded in its health, never raised."""
    from policydigest.ingest.crawl import crawl_once

    try:
        report = crawl_once(ctx.settings, ctx.store, catalogue=[spec], force=True)
    except PolicydigestError as exc:
        log.warning("re-check of source %r failed: %s", spec.name, exc)
        return
    log.info("re-checked source %r: %d stored", spec.name, report.stored)


@pages.get("/sources", response_class=HTMLResponse)
def sources_page(
    ctx: Ctx, who: Viewer, checked: Annotated[str | None, Param(max_length=200)] = None
) -> HTMLResponse:
    """Source health for editors: last success, last new item, errors, items per week, what looks wrong."""
    return ctx.page(
        "sources.html.j2",
        {
            "nav": "sources",
            "sources": [_item(h) for h in health_report(ctx)],
            "checked": checked,
            "csrf": who.csrf if who is not None and allowed(who.user.role, "sources.check") else None,
        },
    )


@pages.post("/sources/check", response_class=HTMLResponse)
def recheck_form(
    ctx: Ctx,
    tasks: BackgroundTasks,
    _who: Checker,
    source: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    """Re-check one source (form of the sources page, for signed-in editors)."""
    spec = _spec(ctx, source)
    tasks.add_task(recheck, ctx, spec)
    return RedirectResponse(f"/sources?{urlencode({'checked': spec.name})}", status_code=303)


@api.get("/sources", response_model=SourceList, summary="Health of every watched source")
def list_sources(ctx: Ctx) -> SourceList:
    items = [_item(h) for h in health_report(ctx)]
    return SourceList(items=items, total=len(items))


@api.post(
    "/sources/{name}/check",
    response_model=CheckQueued,
    status_code=202,
    summary="Re-check one source now (editors: Authorization: Bearer TOKEN)",
    responses={401: {"description": "No or wrong API token"}, 403: {"description": "The role may not"}},
)
def recheck_api(ctx: Ctx, tasks: BackgroundTasks, name: SourceName, _who: Checker) -> CheckQueued:
    spec = _spec(ctx, name)
    tasks.add_task(recheck, ctx, spec)
    return CheckQueued(source=spec.name)
