"""Side-by-side comparison of 2–4 documents or articles (printable page, XLSX, /api/v1)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response

from policydigest.errors import BadInputError
from policydigest.intel.export import to_xlsx
from policydigest.intel.queries import compare
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["compare"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
_ONE = r"\s*[dDaA]?\d{1,9}\s*"
#: 2–4 ids: more or fewer is refused by validation (422, with the parameter named) before any lookup.
Ids = Annotated[
    str,
    Param(
        min_length=1,
        max_length=200,
        pattern=rf"^{_ONE}(?:[,，]{_ONE}){{1,3}}$",
        description="2–4 ids, comma-separated: 12 (article), d3 (document).",
    ),
]


def compare_data(ctx: WebContext, ids: str) -> dict[str, Any]:
    with ctx.store.session() as session:
        try:
            parts = [part for part in ids.replace("，", ",").split(",") if part.strip()]
            return compare(session, parts, vetted=ctx.vetted)
        except BadInputError as exc:
            raise HTTPException(400, str(exc)) from None


def _sheet(result: dict[str, Any]) -> bytes:
    items = result["items"]
    header = ["", *[f"{item['id']} {item['title']}" for item in items]]
    rows: list[list[Any]] = [
        ["日期", *[item["date"] or "" for item in items]],
        ["发文机关", *["、".join(item["issuers"]) for item in items]],
        ["地区", *["、".join(item["regions"]) for item in items]],
        ["资金", *["、".join(item["money"]) for item in items]],
        ["措施", *["；".join(item["measures"]) for item in items]],
    ]
    for row in result["targets"]:
        rows.append([row["metric"], *[f"{v['text']}" if v else "—" for v in row["values"]]])
    return to_xlsx("对比", header, rows)


@pages.get("/compare", response_class=HTMLResponse)
def compare_page(ctx: Ctx, ids: Ids, format: Annotated[Literal["xlsx"] | None, Param()] = None) -> Response:
    """2–4 documents or articles side by side: issuers, dates, targets aligned by metric, money, measures."""
    result = compare_data(ctx, ids)
    if format == "xlsx":
        return Response(
            _sheet(result),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="compare.xlsx"'},
        )
    return ctx.intel_page("compare.html.j2", {"nav": "documents", "result": result, "ids": ids})


@api.get("/compare", summary="2–4 documents or articles side by side")
def compare_api(ctx: Ctx, ids: Ids) -> dict[str, Any]:
    return compare_data(ctx, ids)
