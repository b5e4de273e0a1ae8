"""Feeds of new issues, of each column and of any search (same GET parameters as /search)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from policydigest.render.view import safe_href
from policydigest.search import SortOrder
from policydigest.web.context import WebContext, get_context, path_part
from policydigest.web.feeds import MEDIA_TYPES, Feed, FeedEntry, FeedFormat, day_start, render_feed
from policydigest.web.routes.issues import issue_url
from policydigest.web.searching import SearchParams, search_params

router = APIRouter(prefix="/feeds", include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Params = Annotated[SearchParams, Depends(search_params)]


def _response(feed: Feed, fmt: FeedFormat) -> Response:
    return Response(render_feed(feed, fmt), media_type=MEDIA_TYPES[fmt])


@router.get("/issues.{fmt}")
def issues_feed(request: Request, ctx: Ctx, fmt: FeedFormat) -> Response:
    """New issues, newest first."""
    base = ctx.base_url(request)
    summaries, _ = ctx.library.issues(limit=ctx.settings.web_feed_items)
    entries = [
        FeedEntry(
            id=base + issue_url(s),
            title=f"{s.series} 第{s.number}期 总第{s.total_number}期"
            + (f"：{s.cover_headline}" if s.cover_headline else ""),
            link=base + issue_url(s),
            updated=day_start(dt.date.fromisoformat(s.date)),
            summary=f"{s.articles}篇文章" + (f"。头条：{s.cover_headline}" if s.cover_headline else ""),
        )
        for s in summaries
    ]
    feed = Feed(
        title=f"{ctx.profile.series.title} · 新刊",
        home_url=base + "/issues",
        self_url=str(request.url),
        description="每期新刊",
        entries=entries,
    )
    return _response(feed, fmt)


def search_feed_of(request: Request, ctx: WebContext, params: SearchParams, title: str, home: str) -> Feed:
    """The newest articles matching ``params`` as a feed."""
    base = ctx.base_url(request)
    # A subscribed search delivers articles with every word, never the closest ones.
    result = ctx.searcher.search(
        replace(params, sort=SortOrder.DATE), limit=ctx.settings.web_feed_items, facets=False, closest=False
    )
    about = ctx.library.summaries(hit.id for hit in result.hits)
    entries = []
    for hit in result.hits:
        found = about.get(hit.id)
        entries.append(
            FeedEntry(
                id=f"{base}/articles/{hit.id}",
                title=hit.title,
                link=f"{base}/articles/{hit.id}",
                updated=day_start(hit.date),
                summary=found.lead if found else "",
                categories=tuple(c for c in (hit.column,) if c),
                external_url=safe_href(found.url) if found else None,
            )
        )
    return Feed(
        title=f"{ctx.profile.series.title} · {title}",
        home_url=base + home,
        self_url=str(request.url),
        description=f"{title}：最新文章",
        entries=entries,
    )


@router.get("/columns/{name}.{fmt}")
def column_feed(
    request: Request, ctx: Ctx, name: Annotated[str, PathParam(min_length=1, max_length=100)], fmt: FeedFormat
) -> Response:
    """The newest articles of one column."""
    params = SearchParams(filters={"column": (name,)})
    return _response(search_feed_of(request, ctx, params, f"栏目：{name}", f"/columns/{path_part(name)}"), fmt)


@router.get("/search.{fmt}")
def search_feed(request: Request, ctx: Ctx, fmt: FeedFormat, params: Params) -> Response:
    """The newest articles matching any search (the parameters of /search)."""
    query = params.query_string()
    home = "/search" + (f"?{query}" if query else "")
    return _response(search_feed_of(request, ctx, params, params.describe(), home), fmt)
