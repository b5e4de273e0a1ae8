"""ASGI middleware of the web app: HEAD on every GET route, and a limit on the length of a URL.

Link checkers, feed validators and uptime monitors ask with HEAD: it is answered as its GET would be
(status and headers, Content-Length included) without the body, so no route can forget it. A URL
longer than :data:`MAX_URL_BYTES` is refused with 414 in the one error shape before any route runs.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Longest path plus query accepted (browsers and proxies use about 8 KB; longer is never a reader's).
MAX_URL_BYTES = 8192


class HeadAsGet:
    """Run HEAD as GET and send no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class UrlLimit:
    """Refuse (414, in the one error shape) a URL longer than :data:`MAX_URL_BYTES`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
            if length > MAX_URL_BYTES:
                from policydigest.web.problems import error_response

                detail = [{"location": "url", "message": f"网址有{length}字节，最多{MAX_URL_BYTES}字节"}]
                await error_response(Request(scope), 414, "网址太长", detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)
