"""The web app: reader pages, the JSON API under ``/api/v1`` and feeds, in one FastAPI application.

>>> from policydigest.settings import Settings
>>> app = create_app(Settings(database_url="sqlite://"))
>>> app.openapi_url
'/api/v1/openapi.json'
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policydigest.jobs.queue import render_on_publish
from policydigest.metrics import REQUEST_SECONDS, REQUESTS
from policydigest.settings import Settings, load_settings
from policydigest.store import Store, open_store
from policydigest.web.apidocs import install_api_docs
from policydigest.web.auth import install_auth
from policydigest.web.context import WebContext
from policydigest.web.hosts import PublicAddress, TrustedHosts
from policydigest.web.middleware import CleanUrlText, HeadAsGet, UrlLimit
from policydigest.web.problems import install_error_handlers
from policydigest.web.routes import ROUTERS

API_VERSION = "1.0"
API_DESCRIPTION = """\
Policy intelligence on China's digital economy: issues of the bulletin, articles with their
enrichment (facts, topics, summary, near-duplicates), search with filters and facets.

Every error has one shape: `{"error": {"code": "not_found", "message": "…", "details": …}}`.
Lists are paged with `limit` (1–100) and `offset` (0–10000) and say `total` and the `next` page.
Feeds of any search are at `/feeds/search.atom`, `.rss` and `.json` with the same parameters.
"""

#: Sent with every response; pages use no inline script, so scripts are limited to our own files.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
PAGE_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds the security headers and the strict CSP (the API docs too: Swagger UI is served from the package)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                headers.append((b"content-security-policy", PAGE_CSP))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestMetrics:
    """Counts requests and their latency by route template (``/articles/{article_id}``), never by raw path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"  # raw paths would explode the labels
            REQUESTS.labels(method=scope["method"], route=route, status=str(status)).inc()
            REQUEST_SECONDS.labels(route=route).observe(time.perf_counter() - started)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The web app over the store of ``settings`` (or ``store``), its search index opened or built."""
    settings = settings or load_settings()
    if store is None:
        store = open_store(settings.database_url)
        render_on_publish(store, settings)  # on PostgreSQL, the desk's 发布 queues the downloads' rendering
    app = FastAPI(
        title="policydigest API",
        version=API_VERSION,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served from the package by install_api_docs
        redoc_url=None,
    )
    app.state.context = WebContext.build(settings, store)
    install_error_handlers(app)
    install_auth(app, settings, store)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Inside the URL and Host middlewares, which hand a copy of the scope on: it reads the matched route.
    app.add_middleware(RequestMetrics)
    app.add_middleware(HeadAsGet)
    app.add_middleware(CleanUrlText)
    app.add_middleware(TrustedHosts, address=PublicAddress.of(settings))
    app.add_middleware(UrlLimit)
    app.add_middleware(SecurityHeaders)
    install_api_docs(app)
    app.mount("/static", StaticFiles(packages=[("policydigest.web", "static")]), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
