"""The JSON API (/api/v1) over a real store: every endpoint, paging, filters, bad parameters, the error shape."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from tests.desk_support import make_users
from tests.web_support import HOSTILE_TITLE, Site


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "details"}} and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


# ---- the description ----------------------------------------------------------------------------


def test_openapi_is_served_and_describes_every_api_route(client: TestClient) -> None:
    spec = get(client, "/api/v1/openapi.json")
    desk = {path for path in spec["paths"] if path.startswith("/api/v1/desk/")}
    assert {"/api/v1/desk/inbox", "/api/v1/desk/draft", "/api/v1/desk/draft/publish", "/api/v1/desk/audit"} <= desk
    assert set(spec["paths"]) - desk == {
        "/api/v1/issues",
        "/api/v1/issues/{total_number}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/articles/{article_id}/similar",
        "/api/v1/articles/{article_id}/related",
        "/api/v1/search",
        "/api/v1/facets",
        "/api/v1/sources",
        "/api/v1/sources/{name}/check",
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/diffusion",
        "/api/v1/documents/{document_id}/related",
        "/api/v1/targets",
        "/api/v1/compare",
        "/api/v1/trends",
    }
    search = spec["paths"]["/api/v1/search"]["get"]
    assert {"q", "column", "region", "authority", "topic", "since", "until", "limit", "offset"} <= {
        p["name"] for p in search["parameters"]
    }
    assert "ErrorBody" in spec["components"]["schemas"]
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_interactive_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.text


def test_interactive_docs_load_only_local_assets_under_the_same_csp_as_every_page(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.headers["content-security-policy"] == client.get("/").headers["content-security-policy"]
    doc = lxml.html.fromstring(response.text)
    assets = doc.xpath("//script/@src | //link[@rel='stylesheet']/@href")
    assert assets and all(asset.startswith("/") and not asset.startswith("//") for asset in assets)
    assert not [script for script in doc.xpath("//script") if (script.text or "").strip()]  # no inline script
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 100, asset


# ---- issues -------------------------------------------------------------------------------------


def test_issue_list_is_newest_first_and_pages_with_next_links(client: TestClient, site: Site) -> None:
    first = get(client, "/api/v1/issues", limit=2)
    assert first["total"] == len(site.store().list_issues())
    assert len(first["items"]) == 2 and first["limit"] == 2 and first["offset"] == 0
    dates = [item["date"] for item in first["items"]]
    assert dates == sorted(dates, reverse=True)
    seen = [item["total_number"] for item in first["items"]]
    following = first["next"]
    while following:
        page = client.get(following).json()
        seen += [item["total_number"] for item in page["items"]]
        following = page["next"]
    assert sorted(seen) == sorted(s.total_number for s in site.store().list_issues())


def test_issue_detail_lists_its_articles_and_each_resolves(client: TestClient) -> None:
    issue = get(client, "/api/v1/issues/58")
    assert issue["series"] == "数字经济观察" and issue["number"] == 9 and issue["date"] == "2025-03-21"
    assert len(issue["articles"]) == 9 and issue["toc"]
    for article in issue["articles"]:
        detail = get(client, f"/api/v1/articles/{article['id']}")
        assert detail["title"] == article["title"]
        assert 58 in [p["total_number"] for p in detail["issues"]]


def test_issue_of_a_series_is_chosen_by_the_series_parameter(client: TestClient) -> None:
    assert get(client, "/api/v1/issues/58", series="数字经济观察")["total_number"] == 58
    assert_error(client.get("/api/v1/issues/58", params={"series": "别的刊物"}), 404, "not_found")


def test_unknown_issue_is_a_404_in_the_error_shape(client: TestClient) -> None:
    error = assert_error(client.get("/api/v1/issues/999999"), 404, "not_found")
    assert "999999" in error["message"]


# ---- articles -----------------------------------------------------------------------------------


def test_article_list_pages_through_every_article_exactly_once(client: TestClient, site: Site) -> None:
    ids: list[int] = []
    offset = 0
    while True:
        page = get(client, "/api/v1/articles", limit=25, offset=offset)
        ids += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        offset += 25
    assert len(ids) == len(set(ids)) == page["total"] == site.store().count_articles()


def test_article_list_filters_by_column_and_by_issue(client: TestClient) -> None:
    local = get(client, "/api/v1/articles", column="地方新政", limit=100)
    assert local["total"] > 0 and all(item["column"] == "地方新政" for item in local["items"])
    of_issue = get(client, "/api/v1/articles", issue=57, limit=100)
    assert of_issue["total"] == 14
    dates = [item["date"] for item in of_issue["items"]]
    assert set(dates) == {"2025-03-14"}


def test_article_detail_carries_text_issues_and_enrichment(client: TestClient) -> None:
    issue = get(client, "/api/v1/issues/58")
    detail = get(client, f"/api/v1/articles/{issue['articles'][0]['id']}")
    assert detail["blocks"] and detail["blocks"][0]["kind"] in ("paragraph", "heading")
    assert detail["issues"][0]["total_number"] == 58
    assert set(detail["facts"]) >= {"documents", "authorities", "regions", "targets", "money"}
    assert any(d["name"].startswith("2025年数据要素市场化配置改革工作要点") for d in detail["facts"]["documents"])
    assert detail["topics"] and all("label" in t for t in detail["topics"])
    assert detail["summary"]["lead"]
    assert detail["column_decision"]["column"] and detail["column_decision"]["reasons"]


def test_openapi_shows_the_typed_enrichment_of_an_article(client: TestClient) -> None:
    schemas = get(client, "/api/v1/openapi.json")["components"]["schemas"]
    detail = schemas["ArticleDetail"]["properties"]
    refs = {name: json.dumps(detail[name]) for name in ("facts", "topics", "column_decision", "summary")}
    models = {"facts": "Facts", "topics": "TopicLabel", "column_decision": "ColumnDecision", "summary": "SummaryResult"}
    assert all(f"#/components/schemas/{model}" in refs[name] for name, model in models.items())
    assert set(schemas["Facts"]["properties"]) == {"documents", "authorities", "regions", "dates", "targets", "money"}
    assert set(schemas["AuthorityFact"]["properties"]) >= {"text", "start", "end", "name", "level", "region"}
    assert set(schemas["SummaryResult"]["properties"]) == {"lead", "summary", "extractive", "method"}
    assert set(schemas["ColumnDecision"]["properties"]) == {"column", "role", "confidence", "reasons", "scores"}


def test_near_duplicates_name_each_other(client: TestClient) -> None:
    with_duplicates = []
    for item in get(client, "/api/v1/articles", limit=100)["items"]:
        detail = get(client, f"/api/v1/articles/{item['id']}")
        if detail["duplicates"]:
            with_duplicates.append(detail)
    for detail in with_duplicates:
        for duplicate in detail["duplicates"]:
            other = get(client, f"/api/v1/articles/{duplicate['id']}")
            assert duplicate["title"] == other["title"]
            assert detail["id"] in [d["id"] for d in other["duplicates"]]


def test_similar_articles_exclude_the_article_itself(client: TestClient) -> None:
    hits = get(client, "/api/v1/search", q="算力", limit=1)["hits"]
    similar = get(client, f"/api/v1/articles/{hits[0]['id']}/similar", limit=3)
    assert similar["id"] == hits[0]["id"]
    assert 0 < len(similar["items"]) <= 3
    assert hits[0]["id"] not in [item["id"] for item in similar["items"]]


def test_unknown_article_is_a_404_for_the_article_and_its_similar_list(client: TestClient) -> None:
    assert_error(client.get("/api/v1/articles/987654"), 404, "not_found")
    assert_error(client.get("/api/v1/articles/987654/similar"), 404, "not_found")


# ---- search and facets --------------------------------------------------------------------------


def test_search_returns_hits_with_snippets_and_facets(client: TestClient) -> None:
    answer = get(client, "/api/v1/search", q="算力", limit=5)
    assert answer["total"] >= 5 and len(answer["hits"]) == 5
    for hit in answer["hits"]:
        assert {"id", "title", "column", "date", "score", "snippet"} <= set(hit)
        assert "<mark>算力</mark>" in hit["snippet"] + hit["title_html"]
    assert set(answer["facets"]) == {"column", "region", "authority", "kind", "topic", "issue", "source"}
    assert sum(c["count"] for c in answer["facets"]["column"]) == answer["total"]


def test_search_filter_leaves_exactly_the_hits_its_facet_counted(client: TestClient) -> None:
    everything = get(client, "/api/v1/search", q="数据")
    for count in everything["facets"]["column"]:
        narrowed = get(client, "/api/v1/search", q="数据", column=count["value"], limit=100)
        assert narrowed["total"] == count["count"]
        assert {hit["column"] for hit in narrowed["hits"]} == {count["value"]}


def test_two_filters_combine_and_a_province_includes_its_cities(client: TestClient) -> None:
    in_guizhou = get(client, "/api/v1/search", region="贵州", limit=100)
    in_guiyang = get(client, "/api/v1/search", region="贵阳", limit=100)
    assert in_guiyang["total"] > 0
    assert {h["id"] for h in in_guiyang["hits"]} <= {h["id"] for h in in_guizhou["hits"]}
    both = get(client, "/api/v1/search", q="算力", column="地方新政", region="贵州", limit=100)
    alone = get(client, "/api/v1/search", q="算力", column="地方新政", limit=100)
    assert {h["id"] for h in both["hits"]} <= {h["id"] for h in alone["hits"]}
    assert all(h["column"] == "地方新政" for h in both["hits"])


def test_search_sorted_by_date_is_newest_first_and_dates_bound_it(client: TestClient) -> None:
    answer = get(client, "/api/v1/search", q="数据", sort="date", since="2024-05-01", until="2024-12-31", limit=100)
    dates = [hit["date"] for hit in answer["hits"]]
    assert dates and dates == sorted(dates, reverse=True)
    assert all("2024-05-01" <= d <= "2024-12-31" for d in dates)


def test_traditional_characters_find_the_simplified_articles(client: TestClient) -> None:
    simplified = get(client, "/api/v1/search", q="数据要素", limit=100)
    traditional = get(client, "/api/v1/search", q="數據要素", limit=100)
    assert traditional["total"] == simplified["total"] > 0


def test_search_pages_with_next_links_without_overlap(client: TestClient) -> None:
    first = get(client, "/api/v1/search", q="数据", limit=10)
    second = client.get(first["next"]).json()
    assert second["offset"] == 10
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_facets_endpoint_counts_like_the_search_without_hits(client: TestClient) -> None:
    facets = get(client, "/api/v1/facets", q="算力")
    search = get(client, "/api/v1/search", q="算力")
    assert facets == {"total": search["total"], "facets": search["facets"]}


def test_hostile_text_comes_back_as_text_in_json(client: TestClient) -> None:
    answer = get(client, "/api/v1/search", q="标题", limit=100)
    hit = next(h for h in answer["hits"] if h["title"] == HOSTILE_TITLE)
    assert "<script>" not in hit["title_html"] and "&lt;script&gt;" in hit["title_html"]


# ---- sources ------------------------------------------------------------------------------------


def test_sources_list_gives_the_health_of_each_catalogue_source(client: TestClient) -> None:
    answer = get(client, "/api/v1/sources")
    assert answer["total"] == len(answer["items"]) > 0
    for item in answer["items"]:
        assert item["health"] in ("ok", "warning", "failing", "never run")
        assert item["url"].startswith("http")


def test_rechecking_a_source_needs_an_editors_api_token(client: TestClient, site: Site) -> None:
    name = get(client, "/api/v1/sources")["items"][0]["name"]
    missing = client.post(f"/api/v1/sources/{name}/check")
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post(f"/api/v1/sources/{name}/check", headers={"Authorization": "Bearer nope"})
    assert_error(wrong, 401, "unauthorized")
    tokens = make_users(site.store())
    contributor = client.post(
        f"/api/v1/sources/{name}/check", headers={"Authorization": f"Bearer {tokens['contributor']}"}
    )
    assert_error(contributor, 403, "forbidden")
    unknown = client.post("/api/v1/sources/没有这个源/check", headers={"Authorization": f"Bearer {tokens['editor']}"})
    assert_error(unknown, 404, "not_found")


# ---- bad requests: each gets the error shape, never a 500 ---------------------------------------

BAD_REQUESTS = [
    ("GET", "/api/v1/issues?limit=0", 422),
    ("GET", "/api/v1/issues?limit=101", 422),
    ("GET", "/api/v1/issues?limit=ten", 422),
    ("GET", "/api/v1/issues?offset=-1", 422),
    ("GET", "/api/v1/issues?offset=10001", 422),
    ("GET", "/api/v1/issues/0", 422),
    ("GET", "/api/v1/issues/abc", 422),
    ("GET", "/api/v1/issues/99999999999999999999", 422),
    ("GET", "/api/v1/issues/58?series=" + "长" * 201, 422),
    ("GET", "/api/v1/articles?issue=-3", 422),
    ("GET", "/api/v1/articles?column=" + "栏" * 101, 422),
    ("GET", "/api/v1/articles/0", 422),
    ("GET", "/api/v1/articles/9223372036854775808", 422),
    ("GET", "/api/v1/articles/x", 422),
    ("GET", "/api/v1/articles/1/similar?limit=21", 422),
    ("GET", "/api/v1/search?since=2025-13-01", 422),
    ("GET", "/api/v1/search?since=yesterday", 422),
    ("GET", "/api/v1/search?until=0.0", 422),
    ("GET", "/api/v1/search?since=20250301", 422),
    ("GET", "/api/v1/search?since=2025-03-01&until=2025-02-01", 422),
    ("GET", "/api/v1/search?sort=popular", 422),
    ("GET", "/api/v1/search?issue=abc", 422),
    ("GET", "/api/v1/search?issue=0", 422),
    ("GET", "/api/v1/search?expand=maybe", 422),  # a long q is cut, not refused (tests/test_web_searching.py)
    ("GET", "/api/v1/search?" + "&".join(["column=x"] * 21), 422),
    ("GET", "/api/v1/facets?until=2025-02-30", 422),
    ("GET", "/api/v1/nothing-here", 404),
    ("GET", "/api/v2/issues", 404),
    ("POST", "/api/v1/issues", 405),
    ("DELETE", "/api/v1/articles/1", 405),
    ("PUT", "/api/v1/search", 405),
    ("GET", "/api/v1/sources/x/check", 405),
    ("GET", "/feeds/issues.xml", 422),
    ("GET", "/feeds/search.atom?since=never", 422),
    ("GET", "/feeds/nothing.atom", 404),
]
CODES = {404: "not_found", 405: "method_not_allowed", 422: "validation_error"}


@pytest.mark.parametrize(("method", "url", "status"), BAD_REQUESTS, ids=[f"{m} {u[:60]}" for m, u, _ in BAD_REQUESTS])
def test_bad_request_gets_the_error_shape_and_never_a_500(
    client: TestClient, method: str, url: str, status: int
) -> None:
    error = assert_error(client.request(method, url), status, CODES[status])
    if status == 422:
        assert error["details"] and all({"location", "message"} <= set(d) for d in error["details"])


def test_odd_but_valid_queries_are_answered(client: TestClient) -> None:
    for q in ['"', "-", "*", "***", '""', "-算力", "a*", "(", "[]", "\\", "算力 -算力", "　", "\x00", "👍", "𠀀"]:
        answer = get(client, "/api/v1/search", q=q)
        assert answer["total"] >= 0


def test_an_internal_fault_is_a_500_in_the_error_shape(site: Site) -> None:
    app = site.app()

    def broken(**_: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    app.state.context.library.issues = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        error = assert_error(client.get("/api/v1/issues"), 500, "internal_error")
        assert "fire" not in error["message"]  # the fault is logged, not shown
        page = client.get("/issues")
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")


def test_the_error_shape_is_pinned(client: TestClient) -> None:
    assert client.get("/api/v1/issues/999999").json() == {
        "error": {"code": "not_found", "message": "没有总第999999期", "details": None}
    }
    assert client.post("/api/v1/issues").json() == {
        "error": {"code": "method_not_allowed", "message": "不支持这种请求方式", "details": None}
    }
    assert client.get("/api/v1/issues?limit=0").json() == {
        "error": {
            "code": "validation_error",
            "message": "参数有误",
            "details": [{"location": "query.limit", "message": "不能小于1"}],
        }
    }


@pytest.mark.parametrize(
    "url",
    ["/api/v1/issues/58", "/api/v1/search?q=算力", "/api/v1/articles/1", "/api/v1/issues/999999", "/feeds/issues.json"],
)
def test_json_is_sent_as_utf_8_chinese_not_as_escapes(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert "charset=utf-8" in response.headers["content-type"] or response.headers["content-type"].endswith("json")
    text = response.content.decode("utf-8")
    assert re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"\\u[4-9][0-9a-f]{3}", text)
