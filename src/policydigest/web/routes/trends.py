"""Trends: counts by topic, region, issuer, document kind and level over time, and targets by year, as SVG
charts drawn on the server, each with its data table and the articles behind each point."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import BaseModel, Field

from policydigest.intel.charts import Trend, all_trends
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["trends"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]


class TrendPoint(BaseModel):
    """One bar: its x label (a month or year), its series, its count and the articles counted."""

    x: str
    series: str
    n: int
    article_ids: list[int]


class TrendSeries(BaseModel):
    """One chart's data."""

    name: str = Field(description="topics, regions, issuers, kinds, levels or targets.")
    title: str
    x_title: str
    series_title: str
    points: list[TrendPoint]


class TrendList(BaseModel):
    """Every trend chart's data."""

    items: list[TrendSeries]


def trends(ctx: WebContext) -> list[Trend]:
    with ctx.store.session() as session:
        return all_trends(session, vetted=ctx.vetted)


@pages.get("/trends", response_class=HTMLResponse)
def trends_page(ctx: Ctx) -> HTMLResponse:
    """Charts (SVG made by vl-convert from our own data, so safe to inline) with the table behind each."""
    charts = [{"trend": t, "svg": Markup(t.svg)} for t in trends(ctx)]
    return ctx.intel_page("trends.html.j2", {"nav": "trends", "charts": charts})


@api.get("/trends", response_model=TrendList, summary="Counts behind the trend charts, with the articles behind each")
def trends_api(ctx: Ctx) -> TrendList:
    return TrendList.model_validate({"items": trends(ctx)}, from_attributes=True)
