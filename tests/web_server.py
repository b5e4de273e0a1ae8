"""A real HTTP server on 127.0.0.1 serving tests/fixtures/web, with the misbehaviours crawlers meet.

Static files get ETag and Last-Modified and answer conditional GETs with 304. ``http://test.invalid``
inside text fixtures is rewritten to the server's own base URL, so feeds can carry absolute links.
Special paths (query parameters in brackets):

- ``/redirect/N/PATH``: N redirects (301, 302, 307 …) before PATH; ``/redirect-to`` [url]: one to url
- ``/flaky/STATUS/PATH`` [fails=N, after=SECONDS|date|none]: STATUS with Retry-After N times, then PATH
- ``/slow/PATH`` [delay=SECONDS]: waits before answering PATH
- ``/trickle`` [chunks=N, pause=SECONDS]: a body sent in slow chunks
- ``/big`` [size=BYTES]: a chunked body of that size without Content-Length; ``/big-declared`` announces it
- ``/wrong-charset/PATH`` [charset=NAME]: PATH sent with that charset in Content-Type
- ``/gone``: 404; ``/generated/list`` [n=N, prefix=PATH]: a listing of N links to PATH/I.html
- ``/generated/art/I.html`` [delay=SECONDS]: a generated article page
- ``/generated/fresh-empty-list``: three new links on every request, to a page without an article body
- any path in ``server.files``: bytes a test made (attachments), with their content type
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).parent / "fixtures" / "web"
PLACEHOLDER = b"http://test.invalid"
FIXED_DATE = email.utils.formatdate(1_700_000_000, usegmt=True)
REDIRECT_CODES = (301, 302, 307, 308, 303)


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class ServerState:
    """What the server saw, and counters for flaky paths; reset per test."""

    requests: list[Seen] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.counters.clear()

    def paths(self) -> list[str]:
        with self.lock:
            return [seen.path for seen in self.requests]


def generated_article(index: int, site: str = "某市") -> bytes:
    """A fictional article page, numbered, in a government CMS layout (``site`` makes each host's pages differ)."""
    paragraphs = "".join(
        f"<p>第{index}号测试通知第{n}段：为推进数据要素市场化配置改革，{site}数据局组织开展第{n}项专项工作，"
        f"各区县应当按照要求于规定时间内完成本地数据资源目录的编制和报送。</p>"
        for n in range(1, 5)
    )
    html = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于开展第{index}批数据资源登记工作的通知_某市数据局'
        f'</title><meta name="ArticleTitle" content="关于开展第{index}批数据资源登记工作的通知">'
        f'<meta name="PubDate" content="2024-05-{index % 28 + 1:02d} 09:00">'
        f'<meta name="ContentSource" content="某市数据局"></head><body>'
        f'<div class="nav"><a href="/">首页</a><a href="/list/">通知公告</a></div>'
        f'<div class="article"><h1>关于开展第{index}批数据资源登记工作的通知</h1>'
        f'<div class="info">发布时间：2024-05-{index % 28 + 1:02d} 来源：某市数据局</div>'
        f'<div class="content">{paragraphs}</div></div>'
        f'<div class="footer">打印 关闭 版权所有：某市数据局</div></body></html>'
    )
    return html.encode("utf-8")


def generated_list(n: int, prefix: str, suffix: str = ".html") -> bytes:
    items = "".join(
        f'<li><a href="{prefix}{i}{suffix}">关于开展第{i}批数据资源登记工作的通知</a>'
        f"<span>2024-05-{i % 28 + 1:02d}</span></li>"
        for i in range(1, n + 1)
    )
    head = '<html><head><meta charset="utf-8"><title>通知公告</title></head>'
    return f'{head}<body><ul class="list">{items}</ul></body></html>'.encode()


class Handler(BaseHTTPRequestHandler):
    server: FixtureServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        seen = Seen(parts.path, {k.lower(): v for k, v in self.headers.items()})
        with self.server.state.lock:
            self.server.state.requests.append(seen)
        try:
            seen.status = self.route(parts.path, query)
        except (BrokenPipeError, ConnectionResetError):
            seen.status = -1

    # ---- routing -------------------------------------------------------------------------

    def route(self, path: str, query: dict[str, str]) -> int:
        if path in self.server.files:
            body, content_type = self.server.files[path]
            return self.send(200, body, content_type=content_type)
        if path.startswith("/redirect/"):
            _, _, hops, rest = path.split("/", 3)
            remaining = int(hops)
            target = f"/redirect/{remaining - 1}/{rest}" if remaining > 1 else f"/{rest}"
            code = REDIRECT_CODES[remaining % len(REDIRECT_CODES)]
            return self.send(code, b"", headers={"Location": target})
        if path == "/redirect-to":
            return self.send(302, b"", headers={"Location": query["url"]})
        if path.startswith("/flaky/"):
            _, _, status, rest = path.split("/", 3)
            with self.server.state.lock:
                self.server.state.counters[path] += 1
                count = self.server.state.counters[path]
            if count <= int(query.get("fails", "1")):
                after = query.get("after", "1")
                if after == "date":
                    after = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: +1 may be past
                headers = {} if after == "none" else {"Retry-After": after}
                return self.send(int(status), b"busy", headers=headers)
            return self.static(f"/{rest}")
        if path.startswith("/slow/"):
            time.sleep(float(query.get("delay", "2")))
            return self.static(path[len("/slow") :])
        if path.startswith("/wrong-charset/"):
            return self.static(path[len("/wrong-charset") :], charset=query.get("charset", "utf-8"))
        if path == "/trickle":
            return self.trickle(int(query.get("chunks", "10")), float(query.get("pause", "0.3")))
        if path in ("/big", "/big-declared"):
            return self.big(int(query.get("size", "3000000")), declared=path == "/big-declared")
        if path == "/generated/list":
            return self.send(200, generated_list(int(query.get("n", "5")), query.get("prefix", "/generated/art") + "/"))
        if path == "/generated/fresh-empty-list":
            with self.server.state.lock:
                self.server.state.counters[path] += 1
                run = self.server.state.counters[path]
            return self.send(200, generated_list(3, f"/art/2024/empty.html?run={run}&amp;item=", suffix=""))
        if path.startswith("/generated/art/"):
            time.sleep(float(query.get("delay", "0")))
            index = int(Path(path).stem)
            return self.send(200, generated_article(index, self.server.site), content_type="text/html; charset=utf-8")
        if path.startswith("/slow-art/"):
            time.sleep(float(self.server.slow_article_delay))
            page = generated_article(int(Path(path).stem), self.server.site)
            return self.send(200, page, content_type="text/html; charset=utf-8")
        return self.static(path)

    def static(self, path: str, *, charset: str | None = None) -> int:
        file = (ROOT / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(ROOT.resolve()) or not file.is_file():
            return self.send(404, b"not found")
        body = file.read_bytes().replace(PLACEHOLDER, self.server.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == FIXED_DATE:
            return self.send(304, b"", headers={"ETag": etag, "Last-Modified": FIXED_DATE})
        types = {
            ".html": "text/html",
            ".xml": "application/xml",
            ".json": "application/feed+json",
            ".txt": "text/plain",
        }
        content_type = types.get(file.suffix, "application/octet-stream")
        if charset:
            content_type += f"; charset={charset}"
        return self.send(200, body, content_type=content_type, headers={"ETag": etag, "Last-Modified": FIXED_DATE})

    # ---- writers -------------------------------------------------------------------------

    def send(
        self, status: int, body: bytes, *, content_type: str = "text/html", headers: dict[str, str] | None = None
    ) -> int:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        return status

    def trickle(self, chunks: int, pause: float) -> int:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(chunks):
            piece = b"<p>" + "慢".encode() * 100 + b"</p>"
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.flush()
            time.sleep(pause)
        self.wfile.write(b"0\r\n\r\n")
        return 200

    def big(self, size: int, *, declared: bool) -> int:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"x" * 65536
        sent = 0
        while sent < size:
            chunk = piece[: min(len(piece), size - sent)]
            self.wfile.write(chunk if declared else f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        if not declared:
            self.wfile.write(b"0\r\n\r\n")
        return 200


class FixtureServer(ThreadingHTTPServer):
    """The server; ``base`` is its URL, ``state`` what it saw."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", site: str = "某市", *, name: str | None = None) -> None:
        """Listen on ``host``; ``name``: the host name its URLs use instead (the fetcher's ``fetch_hosts`` maps it)."""
        super().__init__((host, 0), Handler)
        self.base = f"http://{name or host}:{self.server_address[1]}"
        self.site = site
        self.state = ServerState()
        self.slow_article_delay = 0.0
        self.files: dict[str, tuple[bytes, str]] = {}
        self.thread = threading.Thread(target=self.serve_forever, name="fixture-http", daemon=True)

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def url(self, path: str) -> str:
        return self.base + path


def main() -> None:
    """Serve the fixtures until killed; prints the base URL (for the subprocess tests and manual looks)."""
    import sys

    server = FixtureServer()
    if len(sys.argv) > 1:
        server.slow_article_delay = float(sys.argv[1])
    print(server.base, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
