"""Browse pages, one pair per facet with a ``route`` (column, region, authority, topic): an index of
its values with counts (``/regions``) and one page per value (``/regions/贵州``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from policydigest.errors import NotFoundError
from policydigest.search.facets import BROWSABLE, Facet
from policydigest.web.context import WebContext, get_context, path_part
from policydigest.web.routes.search import PageNumber, search_page
from policydigest.web.searching import SearchParams, search_params

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Params = Annotated[SearchParams, Depends(search_params)]
Name = Annotated[str, PathParam(min_length=1, max_length=100)]


def _index(ctx: WebContext, facet: Facet) -> HTMLResponse:
    result = ctx.searcher.search(SearchParams(), limit=0)
    counts = {c.value: c.count for c in result.facets.get(facet.name, [])}
    names = list(counts)
    if facet.name == "column":  # every column, in print order, even an empty one
        names = ctx.columns + [n for n in names if n not in ctx.columns]
    values = [(name, f"/{facet.route}/{path_part(name)}", counts.get(name, 0)) for name in names]
    return ctx.page(
        "facet_index.html.j2",
        {
            "nav": facet.name,
            "heading": facet.label,
            "intro": f"按{facet.label}浏览全部文章（文章数最多的在前）。",
            "values": values,
        },
    )


def _one(ctx: WebContext, facet: Facet, name: str, params: SearchParams, page: int) -> HTMLResponse:
    # A name no article has is a 404, not an empty page with 200 (a soft 404); every column exists.
    exists = facet.name == "column" and name in ctx.columns
    probe = SearchParams(filters={facet.name: (name,)})
    if not exists and ctx.searcher.search(probe, limit=0, facets=False).total == 0:
        raise NotFoundError(f"没有这个{facet.label}的文章：{name}")
    return search_page(
        ctx,
        params,
        page,
        action=f"/{facet.route}/{path_part(name)}",
        heading=name,
        intro=f"{facet.label}：{name}",
        fixed=(facet.name, name),
        nav=facet.name,
    )


def _add_routes(facet: Facet) -> None:
    def index(ctx: Ctx) -> HTMLResponse:
        return _index(ctx, facet)

    def one(ctx: Ctx, name: Name, params: Params, page: PageNumber = 1) -> HTMLResponse:
        return _one(ctx, facet, name, params, page)

    pages.add_api_route(f"/{facet.route}", index, response_class=HTMLResponse, name=facet.route)
    pages.add_api_route(f"/{facet.route}/{{name}}", one, response_class=HTMLResponse, name=facet.name)


for _facet in BROWSABLE:
    _add_routes(_facet)
