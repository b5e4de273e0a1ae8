"""One shape for every error: ``{"error": {"code": …, "message": …, "details": …}}``.

API and feed requests (paths under ``/api/`` and ``/feeds/``) get it as JSON, whatever went wrong:
an unknown path (404), a wrong method (405), bad parameters (422), a search index that cannot
answer (503) or a fault of ours (500). Pages get the same code and message as an HTML page.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from policydigest.errors import DeliveryError, NotFoundError, SearchIndexError, problem_zh

log = logging.getLogger(__name__)

#: Machine-readable codes by HTTP status.
CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
#: What readers (of pages and of the API's ``message``) are told, by status.
MESSAGES_ZH: dict[int, str] = {
    400: "请求有误",
    401: "需要编辑口令",
    403: "没有权限",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    406: "无法提供所要求的格式",
    409: "与现有内容冲突",
    413: "请求内容太大",
    414: "网址太长",
    415: "不支持这种内容类型",
    422: "参数有误",
    429: "请求太频繁，请稍后再试",
    500: "服务器出错了，请稍后再试",
    503: "检索服务暂时不可用，请稍后再试",
}


def message_for(status: int) -> str:
    """What a reader is told about an error status.

    >>> message_for(404), message_for(418)
    ('没有找到这个页面', '请求未能完成（418）')
    """
    return MESSAGES_ZH.get(status, f"请求未能完成（{status}）")


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="Machine-readable: not_found, validation_error, method_not_allowed …")
    message: str = Field(description="One line for people.")
    details: Any = Field(default=None, description="More, when there is more: e.g. each invalid parameter.")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


#: For the OpenAPI description of every API route.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
    for status in (400, 404, 405, 414, 422, 500, 503)
}


def code_for(status: int) -> str:
    """The error code of an HTTP status.

    >>> code_for(404), code_for(418)
    ('not_found', 'error_418')
    """
    return CODES.get(status, f"error_{status}")


def wants_json(request: Request) -> bool:
    """Whether this request is answered in JSON (API and feeds) rather than an HTML page."""
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/feeds/")


def error_response(
    request: Request, status: int, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response:
    """The error response for ``request``: the JSON shape, or an HTML page with the same content."""
    body = ErrorBody(error=ErrorDetail(code=code_for(status), message=message, details=details))
    if wants_json(request):
        return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)
    context = getattr(request.app.state, "context", None)
    if context is None:  # the app is not built yet: plain text is all there is
        return HTMLResponse(f"<!DOCTYPE html><title>{status}</title><p>{status}</p>", status_code=status)
    title = message_for(status)
    retry = _without_wrong_parameters(request, details)
    values = {"status": status, "title": title, "error": body.error, "retry": retry}
    response: Response = context.page("error.html.j2", values, status=status, headers=headers)
    return response


def _without_wrong_parameters(request: Request, details: Any) -> str | None:
    """The same page without the query parameters that were wrong, so a reader keeps the rest of a search."""
    wrong = {
        str(problem.get("location", "")).split(".", 1)[1]
        for problem in (details if isinstance(details, list) else [])
        if isinstance(problem, dict) and str(problem.get("location", "")).startswith("query.")
    }
    if not wrong:
        return None
    kept = [(name, value) for name, value in request.query_params.multi_items() if name not in wrong]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"location": ".".join(str(part) for part in error.get("loc", ())), "message": problem_zh(error)}
        for error in exc.errors()
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    # Starlette's own errors carry the English phrase ("Not Found"); ours carry a Chinese sentence.
    own = isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase
    message = exc.detail if own and isinstance(exc.detail, str) else message_for(exc.status_code)
    details = None if isinstance(exc.detail, str) else exc.detail
    return error_response(request, exc.status_code, message, details, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, message_for(422), _validation_details(exc))


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, str(exc))


async def _search_unavailable(request: Request, exc: Exception) -> Response:
    log.error("search index unavailable: %s", exc)
    return error_response(request, 503, message_for(503))


async def _delivery_unavailable(request: Request, exc: Exception) -> Response:
    log.error("delivery cannot answer %s: %s", request.url.path, exc)  # e.g. no delivery_secret configured
    return error_response(request, 503, "邮件订阅服务暂不可用，请稍后再试或联系编辑部")


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, message_for(500))


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` take the one shape."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(SearchIndexError, _search_unavailable)
    app.add_exception_handler(DeliveryError, _delivery_unavailable)
    app.add_exception_handler(Exception, _server_error)
