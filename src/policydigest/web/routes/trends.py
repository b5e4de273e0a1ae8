"""Trends: documents by month and targets by year, as SVG charts drawn on the server, each with its data table."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from policydigest.intel import refresh
from policydigest.intel.charts import Trend, documents_by_month, targets_by_year
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["trends"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]


def trends(ctx: WebContext) -> list[Trend]:
    refresh(ctx.store)
    with ctx.store.session() as session:
        return [documents_by_month(session), targets_by_year(session)]


@pages.get("/trends", response_class=HTMLResponse)
def trends_page(ctx: Ctx) -> HTMLResponse:
    """Charts (SVG made by vl-convert from our own data, so safe to inline) with the table behind each."""
    charts = [{"trend": t, "svg": Markup(t.svg)} for t in trends(ctx)]
    return ctx.page("trends.html.j2", {"nav": "trends", "charts": charts})


@api.get("/trends", summary="Counts behind the trend charts")
def trends_api(ctx: Ctx) -> dict[str, Any]:
    return {"items": [{k: v for k, v in asdict(t).items() if k != "svg"} for t in trends(ctx)]}
