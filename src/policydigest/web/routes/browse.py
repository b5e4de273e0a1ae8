"""Pages per column, region, authority and topic: an index of each (with counts) and one page per value."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from policydigest.errors import NotFoundError
from policydigest.web.context import WebContext, get_context, path_part
from policydigest.web.routes.search import PageNumber, search_page
from policydigest.web.searching import FACET_LABELS, SearchParams, search_params

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Params = Annotated[SearchParams, Depends(search_params)]
Name = Annotated[str, PathParam(min_length=1, max_length=100)]

#: URL folder → facet.
FOLDERS: dict[str, str] = {"columns": "column", "regions": "region", "authorities": "authority", "topics": "topic"}


def _index(ctx: WebContext, folder: str) -> HTMLResponse:
    facet = FOLDERS[folder]
    result = ctx.searcher.search(SearchParams(), limit=0)
    counts = {c.value: c.count for c in result.facets.get(facet, [])}
    names = list(counts)
    if facet == "column":  # every column, in print order, even an empty one
        names = ctx.columns + [n for n in names if n not in ctx.columns]
    values = [(name, f"/{folder}/{path_part(name)}", counts.get(name, 0)) for name in names]
    label = FACET_LABELS[facet]
    return ctx.page(
        "facet_index.html.j2",
        {"nav": facet, "heading": label, "intro": f"按{label}浏览全部文章（文章数最多的在前）。", "values": values},
    )


def _one(ctx: WebContext, folder: str, name: str, params: SearchParams, page: int) -> HTMLResponse:
    facet = FOLDERS[folder]
    # A name no article has is a 404, not an empty page with 200 (a soft 404); every column exists.
    exists = facet == "column" and name in ctx.columns
    if not exists and ctx.searcher.search(SearchParams(filters={facet: (name,)}), limit=0, facets=False).total == 0:
        raise NotFoundError(f"没有这个{FACET_LABELS[facet]}的文章：{name}")
    return search_page(
        ctx,
        params,
        page,
        action=f"/{folder}/{path_part(name)}",
        heading=name,
        intro=f"{FACET_LABELS[facet]}：{name}",
        fixed=(facet, name),
        nav=facet,
    )


@pages.get("/columns", response_class=HTMLResponse)
def columns(ctx: Ctx) -> HTMLResponse:
    return _index(ctx, "columns")


@pages.get("/columns/{name}", response_class=HTMLResponse)
def column(ctx: Ctx, name: Name, params: Params, page: PageNumber = 1) -> HTMLResponse:
    return _one(ctx, "columns", name, params, page)


@pages.get("/regions", response_class=HTMLResponse)
def regions(ctx: Ctx) -> HTMLResponse:
    return _index(ctx, "regions")


@pages.get("/regions/{name}", response_class=HTMLResponse)
def region(ctx: Ctx, name: Name, params: Params, page: PageNumber = 1) -> HTMLResponse:
    return _one(ctx, "regions", name, params, page)


@pages.get("/authorities", response_class=HTMLResponse)
def authorities(ctx: Ctx) -> HTMLResponse:
    return _index(ctx, "authorities")


@pages.get("/authorities/{name}", response_class=HTMLResponse)
def authority(ctx: Ctx, name: Name, params: Params, page: PageNumber = 1) -> HTMLResponse:
    return _one(ctx, "authorities", name, params, page)


@pages.get("/topics", response_class=HTMLResponse)
def topics(ctx: Ctx) -> HTMLResponse:
    return _index(ctx, "topics")


@pages.get("/topics/{name}", response_class=HTMLResponse)
def topic(ctx: Ctx, name: Name, params: Params, page: PageNumber = 1) -> HTMLResponse:
    return _one(ctx, "topics", name, params, page)
