"""Search: the search page (facets and filters in the URL, so every search can be shared) and the API."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse

from policydigest.search import SearchResult
from policydigest.search.facets import FACETS
from policydigest.web.context import WebContext, get_context
from policydigest.web.feeds import feed_links
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import MAX_OFFSET, Paging, SearchAnswer, next_url, paging
from policydigest.web.searching import SearchParams, search_params

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["search"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
Params = Annotated[SearchParams, Depends(search_params)]
PageNumber = Annotated[int, Param(ge=1, le=500, description="Page of results.")]
#: Filters kept in the search form as hidden fields (the rest are fields of the form).
_FORM_FIELDS = {"q", "since", "until", "sort"}


def _link(action: str, params: SearchParams, **extra: str | int) -> str:
    query = params.query_string(**extra)
    return f"{action}?{query}" if query else action


def facet_views(result: SearchResult, params: SearchParams, action: str, fixed: str | None) -> list[dict[str, Any]]:
    """Each facet's values with counts and the link that adds (or removes) that value."""
    views = []
    for facet in FACETS:
        name = facet.name
        if name == fixed:
            continue
        counts = result.facets.get(name) or []
        values = [
            {
                "label": facet.show(c.value),
                "count": c.count,
                "selected": params.is_selected(name, c.value),
                "href": _link(action, params.toggled(name, c.value)),
            }
            for c in counts
        ]
        selected = [v for v in params.values(name) if v not in {c.value for c in counts}]
        values += [
            {"label": v, "count": 0, "selected": True, "href": _link(action, params.toggled(name, v))} for v in selected
        ]
        if values:
            views.append({"name": name, "label": facet.label, "values": values})
    return views


def search_page(
    ctx: WebContext,
    params: SearchParams,
    page: int,
    *,
    action: str = "/search",
    heading: str = "检索",
    intro: str = "",
    fixed: tuple[str, str] | None = None,
    nav: str = "search",
) -> HTMLResponse:
    """The search page of ``params`` (plus a filter ``fixed`` by the page's path, e.g. one column)."""
    size = ctx.settings.web_page_size
    offset = min((page - 1) * size, MAX_OFFSET)
    searched = params if fixed is None else params.toggled(*fixed) if not params.is_selected(*fixed) else params
    result = ctx.searcher.search(searched, limit=size, offset=offset)
    chips = [
        (f"{facet.label}：{facet.show(v)}", _link(action, params.toggled(facet.name, v)))
        for facet in FACETS
        for v in params.values(facet.name)
    ]
    chips += [
        (f"{'起' if name == 'since' else '止'}：{getattr(params, name)}", _link(action, params.without(name)))
        for name in ("since", "until")
        if getattr(params, name)
    ]
    last = max(1, min(-(-result.total // size), MAX_OFFSET // size + 1))
    feed_query = searched.query_string()
    values = {
        "nav": nav,
        "heading": heading,
        "intro": intro,
        "action": action,
        "params": params,
        "quick_q": params.q,
        "hidden": [(k, v) for k, v in params.items() if k not in _FORM_FIELDS],
        "result": result,
        "start": offset + 1,
        "chips": chips,
        "clear_href": _link(action, replace(params, filters={}, since=None, until=None)),
        "facets": facet_views(result, params, action, fixed[0] if fixed else None),
        "previous": _link(action, params, page=page - 1) if page > 1 else None,
        "following": _link(action, params, page=page + 1) if page < last else None,
        "where": f"第{page}/{last}页",
        "exact_href": _link(action, replace(params, expand=False)) if result.notes and params.expand else None,
        "expand_href": None if params.expand else _link(action, replace(params, expand=True)),
        "feeds": feed_links("/feeds/search", feed_query, searched.describe()),
    }
    return ctx.page("search.html.j2", values)


@pages.get("/search", response_class=HTMLResponse)
def search_html(ctx: Ctx, params: Params, page: PageNumber = 1) -> HTMLResponse:
    """Search with facets; every filter is a GET parameter."""
    return search_page(ctx, params, page, intro="" if params.is_empty else params.describe())


@api.get("/search", response_model=SearchAnswer, summary="Search articles, with filters and facet counts")
def search_api(request: Request, ctx: Ctx, params: Params, page: Annotated[Paging, Depends(paging)]) -> SearchAnswer:
    result = ctx.searcher.search(params, limit=page.limit, offset=page.offset)
    return SearchAnswer(
        **result.answer(), limit=page.limit, offset=page.offset, next=next_url(request, page, result.total)
    )
