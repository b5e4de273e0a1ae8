"""ASGI middleware of the web app: HEAD on every GET route, a limit on the length of a URL, clean URL text.

Link checkers, feed validators and uptime monitors ask with HEAD: it is answered as its GET would be
(status and headers, Content-Length included) without the body, so no route can forget it. A URL
longer than :data:`MAX_URL_BYTES` is refused with 414 in the one error shape before any route runs.
The path and query are a way in like any other: control characters, lone surrogates and bidi
controls are removed from them before a route reads them (a search for them echoes none back).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policydigest.safetext import clean_text

#: Longest path plus query accepted: a 10,000-character Chinese search (90 KB percent-encoded) still fits;
#: anything longer is never a reader's.
MAX_URL_BYTES = 96 * 1024


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


def clean_query(query: bytes) -> bytes:
    """A query string with every name and value cleaned (unchanged when nothing needed it).

    >>> clean_query(b"q=%E7%AE%97%00%E2%80%AE&x=1"), clean_query(b"q=a+b")
    (b'q=%E7%AE%97&x=1', b'q=a+b')
    """
    if b"%" not in query and all(32 < byte < 127 for byte in query):
        return query  # printable ASCII, nothing percent-encoded: nothing to clean
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    cleaned = [(clean_text(name), clean_text(value)) for name, value in pairs]
    return query if cleaned == pairs else urlencode(cleaned).encode("ascii")


class CleanUrlText:
    """Remove unsafe characters from the path and the query before any route reads them.

    A path segment of unsafe characters only becomes ``-``, so the request still goes to the route it named.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # A segment made only of unsafe characters keeps a placeholder: dropping it would reach another
            # route (/api/v1/articles/%19 is not the article list).
            path = "/".join(clean_text(part) or ("-" if part else "") for part in scope["path"].split("/"))
            query = clean_query(scope.get("query_string", b""))
            if path != scope["path"] or query != scope.get("query_string", b""):
                changes: dict[str, str | bytes] = {"query_string": query}
                if path != scope["path"]:
                    changes |= {"path": path, "raw_path": quote(path).encode("ascii")}
                scope = {**scope, **changes}
        await self.app(scope, receive, send)
