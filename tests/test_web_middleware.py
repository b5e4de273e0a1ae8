"""HEAD is answered on every GET route as GET is but without a body; unsafe characters in a URL never reach a
route."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from policydigest.web.routes import ROUTERS

#: A value for each path parameter the routes have (any other, such as a desk id, is 1).
PATH_VALUES = {"total_number": "58", "article_id": "1", "name": "地方新政", "fmt": "atom"}
GET_PATHS = sorted(
    {
        re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), route.path)
        for router in ROUTERS
        for route in router.routes
        if "GET" in getattr(route, "methods", ())
    }
    | {"/api/v1/openapi.json", "/api/v1/docs", "/static/site.css", "/no-such-page"}
)


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code != 405
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    # The length a GET would have (some answers carry a timing, so the figure may differ by a digit).
    assert ("content-length" in head.headers) == ("content-length" in got.headers)


def test_head_on_a_post_only_route_is_refused_like_get(client: TestClient) -> None:
    assert client.head("/sources/check").status_code == client.get("/sources/check").status_code == 405


@pytest.mark.parametrize("bad", ["%00", "%0B", "%1B", "%C2%85", "%E2%80%AE", "%E2%81%A6", "%EF%BF%BE"])
def test_unsafe_characters_in_the_url_never_reach_a_route_or_a_page(client: TestClient, bad: str) -> None:
    for url in (f"/search?q=算力{bad}", f"/api/v1/search?q=算力{bad}", f"/feeds/search.json?q=算力{bad}"):
        response = client.get(url)
        assert response.status_code == 200, url
        decoded = unquote(bad)
        assert decoded not in response.text and "算力" in response.text, url
    assert client.get(f"/columns/地方新政{bad}").status_code == 200
