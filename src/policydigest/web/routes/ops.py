"""Operations: ``/healthz`` (the process answers), ``/readyz`` (it can serve: store and index) and ``/metrics``.

None of them is in the OpenAPI document: they are for load balancers and Prometheus, not readers.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from policydigest.errors import PolicydigestError
from policydigest.metrics import render_latest
from policydigest.web.context import WebContext

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> JSONResponse:
    """Liveness: the process runs and its event loop answers; nothing else is checked."""
    return JSONResponse({"status": "ok"})


@router.api_route("/readyz", methods=["GET", "HEAD"])
def readyz(request: Request) -> JSONResponse:
    """Readiness: the store answers a query and the search index is open; 503 with the reasons otherwise."""
    ctx: WebContext = request.app.state.context
    problems: dict[str, str] = {}
    try:
        with ctx.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("readyz: the store does not answer: %s", exc)
        problems["store"] = "数据库无法连接"
    try:
        ctx.searcher.sync.index.count()
    except PolicydigestError as exc:
        log.warning("readyz: the search index does not answer: %s", exc)
        problems["search"] = "搜索索引不可用"
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.api_route("/metrics", methods=["GET", "HEAD"])
def metrics() -> Response:
    """Prometheus metrics of this process (or of all of them, in multiprocess mode)."""
    body, content_type = render_latest()
    return Response(body, media_type=content_type)
