"""Every error a reader or a client can meet is in Chinese, with a stable code: the API's one JSON shape
and an HTML page otherwise. Unknown names are 404s, never empty pages with 200; a too-long URL is
answered by the app (414), not with the server's plain-text 400."""

from __future__ import annotations

import re
import socket
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from tests.web_support import Site, serving

HAN = re.compile(r"[\u4e00-\u9fff]")
#: English that must not reach a reader: Starlette's phrases and pydantic's sentences.
ENGLISH = re.compile(r"Not Found|Method Not Allowed|invalid parameters|Input should|Field required|internal error")

#: Requests that fail, with the status they must get.
FAILING: list[tuple[str, str, int]] = [
    ("GET", "/no-such-page", 404),
    ("GET", "/api/v1/no-such-thing", 404),
    ("GET", "/api/v1/issues/999999", 404),
    ("GET", "/api/v1/articles/999999", 404),
    ("GET", "/articles/999999", 404),
    ("GET", "/topics/nonexistent", 404),
    ("GET", "/regions/不存在的地方", 404),
    ("GET", "/authorities/不存在的机关", 404),
    ("GET", "/columns/不存在", 404),
    ("GET", "/feeds/columns/不存在.atom", 404),
    ("GET", "/feeds/columns/%0B.rss", 404),
    ("GET", "/feeds/issues.xml", 422),
    ("POST", "/api/v1/issues", 405),
    ("POST", "/issues", 405),
    ("GET", "/api/v1/issues?limit=0", 422),
    ("GET", "/api/v1/issues?limit=abc", 422),
    ("GET", "/issues?page=0", 422),
    ("GET", "/api/v1/search?since=not-a-date", 422),
    ("POST", "/api/v1/sources/不存在/check", 401),  # no session or API token
]


def error_of(response: Any) -> dict[str, Any]:
    """The error's message and details, from the JSON shape or from the HTML page."""
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
        return body["error"]  # type: ignore[no-any-return]
    assert response.headers["content-type"].startswith("text/html")
    return {"message": response.text, "details": None, "code": None}


@pytest.mark.parametrize(("method", "path", "status"), FAILING, ids=[f"{m} {p[:40]}" for m, p, _ in FAILING])
def test_every_error_is_in_chinese_with_a_stable_code(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status, response.text[:300]
    error = error_of(response)
    assert HAN.search(error["message"]) and not ENGLISH.search(response.text), response.text[:300]
    if path.startswith(("/api/", "/feeds/")):
        assert re.fullmatch(r"[a-z_]+", error["code"])
    for problem in error["details"] or []:
        assert HAN.search(problem["message"]), problem


def test_an_unknown_column_feed_is_a_404_but_a_real_column_is_served(client: TestClient) -> None:
    assert client.get("/feeds/columns/不存在.atom").json()["error"]["code"] == "not_found"
    assert client.get("/feeds/columns/国策要论.atom").status_code == 200


def test_the_page_of_a_known_topic_region_or_authority_is_served(client: TestClient) -> None:
    facets = client.get("/api/v1/facets").json()["facets"]
    for facet, folder in (("topic", "topics"), ("region", "regions"), ("authority", "authorities")):
        name = facets[facet][0]["value"]
        assert client.get(f"/{folder}/{name}").status_code == 200, (facet, name)


def raw_get(base: str, path: str) -> tuple[int, str, str]:
    """GET over a raw socket (httpx refuses to send URLs this long): status, content type, body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers.get("content-type", ""), body.decode("utf-8", "replace")


@pytest.mark.slow
def test_a_100_kb_url_gets_a_414_in_the_error_shape_from_the_app(site: Site) -> None:
    with serving(site.app()) as base:
        for path, media in (("/api/v1/search?q=", "application/json"), ("/search?q=", "text/html")):
            status, content_type, body = raw_get(base, path + "a" * 100_000)
            assert status == 414 and content_type.startswith(media), body[:200]
            assert "网址太长" in body
        assert raw_get(base, "/api/v1/issues?limit=1")[0] == 200  # the server is still answering


def test_reversed_dates_in_the_search_form_give_a_chinese_page_that_keeps_the_search(client: TestClient) -> None:
    search = {"q": "算力", "column": "地方新政", "since": "2025-03-01", "until": "2025-01-01"}
    response = client.get("/search", params=search)
    assert response.status_code == 422 and "起始日期晚于截止日期" in response.text
    assert not ENGLISH.search(response.text)
    retry = lxml.html.fromstring(response.text).xpath("//a[@class='button']/@href")
    assert retry and "q=%E7%AE%97%E5%8A%9B" in retry[0] and "column=" in retry[0] and "since" not in retry[0]
    assert client.get(retry[0]).status_code == 200
