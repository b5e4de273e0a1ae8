"""Routes, one module per resource; each has a ``pages`` router (HTML) and an ``api`` router (/api/v1)."""

from __future__ import annotations

from fastapi import APIRouter

from policydigest.web.routes import articles, browse, facets, feeds, issues, ops, search, sources, subscribe

#: Every router of the app, pages first.
ROUTERS: list[APIRouter] = [
    issues.pages,
    articles.pages,
    search.pages,
    browse.pages,
    sources.pages,
    subscribe.pages,
    feeds.router,
    issues.api,
    articles.api,
    search.api,
    facets.api,
    sources.api,
    ops.router,
]
