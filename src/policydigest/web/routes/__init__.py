"""Routes, one module per resource; each has a ``pages`` router (HTML) and an ``api`` router (/api/v1)."""

from __future__ import annotations

from fastapi import APIRouter

from policydigest.web.routes import (
    articles,
    browse,
    compare,
    desk,
    desk_api,
    documents,
    facets,
    feeds,
    issues,
    jobs,
    login,
    ops,
    search,
    sources,
    subscribe,
    subscribers_admin,
    targets,
    trends,
)

#: Every router of the app, pages first.
ROUTERS: list[APIRouter] = [
    issues.pages,
    articles.pages,
    search.pages,
    browse.pages,
    sources.pages,
    login.pages,
    desk.pages,
    documents.pages,
    targets.pages,
    compare.pages,
    trends.pages,
    subscribe.pages,
    subscribers_admin.pages,
    feeds.router,
    issues.api,
    articles.api,
    search.api,
    facets.api,
    sources.api,
    desk_api.api,
    documents.api,
    targets.api,
    compare.api,
    trends.api,
    ops.router,
    jobs.pages,
    jobs.api,
]
