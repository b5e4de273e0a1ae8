"""The target tracker: quantitative targets filtered by region, issuer and deadline, each with its progress
(later mentions of the same metric and region), exported as CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response

from policydigest.intel.export import to_csv, to_xlsx
from policydigest.intel.progress import ProgressMention, progress_of
from policydigest.intel.queries import TargetView, list_targets
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["targets"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
Region = Annotated[str | None, Param(max_length=40, description="Region or the start of its name (贵州).")]
Issuer = Annotated[str | None, Param(max_length=80, description="Part of the issuer's name.")]
DueBefore = Annotated[dt.date | None, Param(description="Only targets due before this date (YYYY-MM-DD).")]
DueWithin = Annotated[int | None, Param(ge=1, le=240, description="Only targets due within this many months.")]
Format = Annotated[Literal["csv", "xlsx"] | None, Param(description="Download as csv or xlsx.")]
HEADER = ("目标原文", "指标", "比较", "数值", "上限", "单位", "年份", "期限", "地区", "发文机关", "文件", "文章编号")


def _due(before: dt.date | None, within: int | None, today: dt.date | None = None) -> dt.date | None:
    """The earlier of ``before`` and today plus ``within`` months.

    >>> _due(None, 6, dt.date(2025, 1, 31))
    datetime.date(2025, 7, 31)
    """
    if within is None:
        return before
    start = today or dt.date.today()
    month = start.month - 1 + within
    year, month = start.year + month // 12, month % 12 + 1
    end = dt.date(year, month, min(start.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31))
    return min(end, before) if before else end


def targets_data(
    ctx: WebContext, region: str | None, issuer: str | None, before: dt.date | None, within: int | None
) -> list[TargetView]:
    with ctx.store.session() as session:
        return list_targets(
            session, region=region or None, issuer=issuer or None, due_before=_due(before, within), vetted=ctx.vetted
        )


def with_progress(ctx: WebContext, targets: list[TargetView]) -> list[tuple[TargetView, list[ProgressMention]]]:
    """Each target with its progress: later mentions of the same metric and region."""
    with ctx.store.session() as session:
        return list(zip(targets, progress_of(session, targets, vetted=ctx.vetted), strict=True))


def _row(t: TargetView) -> list[Any]:
    return [
        t.text,
        t.metric,
        t.comparator,
        t.value,
        t.value_max,
        t.unit,
        t.year,
        t.deadline,
        t.region,
        t.issuer,
        t.document,
        t.article_id,
    ]


def _download(targets: list[TargetView], form: str) -> Response:
    rows = [_row(t) for t in targets]
    if form == "csv":
        return Response(
            to_csv(HEADER, rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="targets.csv"'},
        )
    return Response(
        to_xlsx("量化目标", HEADER, rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="targets.xlsx"'},
    )


@pages.get("/targets", response_class=HTMLResponse)
def targets_page(
    ctx: Ctx,
    region: Region = None,
    issuer: Issuer = None,
    due_before: DueBefore = None,
    due_within: DueWithin = None,
    format: Format = None,
) -> Response:
    """Every quantitative target, soonest deadline first, with filters and downloads."""
    targets = targets_data(ctx, region, issuer, due_before, due_within)
    if format:
        return _download(targets, format)
    query = {
        "region": region or "",
        "issuer": issuer or "",
        "due_before": due_before or "",
        "due_within": due_within or "",
    }
    return ctx.intel_page("targets.html.j2", {"nav": "targets", "targets": with_progress(ctx, targets), "query": query})


@api.get("/targets", summary="Quantitative targets, soonest deadline first, each with its progress")
def targets_api(
    ctx: Ctx, region: Region = None, issuer: Issuer = None, due_before: DueBefore = None, due_within: DueWithin = None
) -> dict[str, Any]:
    targets = with_progress(ctx, targets_data(ctx, region, issuer, due_before, due_within))
    items = [{**asdict(t), "progress": [m.model_dump(mode="json") for m in later]} for t, later in targets]
    return {"items": items, "total": len(items)}
