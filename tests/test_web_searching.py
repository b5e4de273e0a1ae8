"""The web's search parameters and browse pages come from the facet declaration, one per facet."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from policydigest.search.facets import BROWSABLE, FACETS
from policydigest.settings import Settings
from policydigest.web import create_app
from policydigest.web.searching import SearchParams, search_params


@pytest.fixture(scope="module")
def empty_site() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        yield client


def test_every_declared_facet_is_a_url_parameter_that_becomes_a_filter_of_the_search() -> None:
    for facet in FACETS:
        value = "57" if facet.numeric else "贵州"
        params = search_params(**{facet.param: [value, value]})  # type: ignore[arg-type]
        assert params.filters == {facet.name: (value,)}
        assert params.query(limit=1).filters == {facet.name: [value]}
        assert unquote(params.query_string()) == f"{facet.param}={value}"
        assert params.describe() == f"{facet.label}：{value}"


def test_every_declared_facet_is_a_parameter_of_the_search_and_facets_api(empty_site: TestClient) -> None:
    spec = empty_site.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/search", "/api/v1/facets"):
        parameters = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        for facet in FACETS:
            assert parameters[facet.param]["schema"]["type"] == "array"
            assert parameters[facet.param]["description"] == facet.help


def test_a_bad_number_for_a_numeric_facet_is_a_422(empty_site: TestClient) -> None:
    for facet in FACETS:
        if facet.numeric:
            assert empty_site.get("/api/v1/search", params={facet.param: "第57期"}).status_code == 422


def test_every_browsable_facet_has_an_index_page_a_page_per_value_and_a_navigation_link(
    empty_site: TestClient,
) -> None:
    for facet in BROWSABLE:
        index = lxml_html.fromstring(empty_site.get(f"/{facet.route}").text)
        assert index.xpath("//h1/text()") == [facet.label]
        nav = index.xpath("//nav[@aria-label='主导航']//a[@aria-current='page']")
        assert [(a.get("href"), a.text_content()) for a in nav] == [(f"/{facet.route}", facet.nav_label or facet.label)]
        one = lxml_html.fromstring(empty_site.get(f"/{facet.route}/贵州").text)
        assert one.xpath("//h1/text()") == ["贵州"]
        assert SearchParams(filters={facet.name: ("贵州",)}).describe() in one.text_content()


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from policydigest.ingest.importer import import_paths
    from policydigest.store import open_store
    from tests.conftest import SAMPLE_DIR

    root = tmp_path_factory.mktemp("sample-site")
    settings = Settings(database_url=f"sqlite:///{root / 's.db'}", index_path=root / "index", catalogue_file=None)
    import_paths([SAMPLE_DIR], open_store(settings.database_url), settings)
    with TestClient(create_app(settings)) as client:
        yield client


BAD_QUERIES = {
    "empty": "",
    "blank": "   ",
    "ten thousand characters": "数据 data AI " * 1000,  # a URL of 10,000 Chinese characters would be 90 kB
    "an unbalanced quote": '"数据要素',
    "an unbalanced Chinese quote": "“算力",
    "a lone minus": "-",
    "a lone star": "*",
    "lone brackets and plus": "( + )",
    "a NUL byte": "算\x00力",
    "mixed scripts": "AI大模型 данные 数据",
}


@pytest.mark.parametrize("text", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_bad_input_gives_results_or_a_clear_message_on_the_api_and_the_page(sample_site: TestClient, text: str) -> None:
    answer = sample_site.get("/api/v1/search", params={"q": text})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["hits"] or body["notes"]
    page = sample_site.get("/search", params={"q": text})
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    status = tree.xpath("string(//p[@role='status'])")
    assert "共" in status
    assert tree.xpath("//section[@aria-label='检索结果']//li") or "没有找到" in page.text


def test_the_page_says_what_else_was_searched_and_links_to_the_words_as_typed(sample_site: TestClient) -> None:
    tree = lxml_html.fromstring(sample_site.get("/search", params={"q": "数交所"}).text)
    notes = [li.text_content() for li in tree.xpath("//ul[@aria-label='检索说明']/li")]
    assert any(n.startswith("也搜索了：") and "数据交易所" in n for n in notes)
    exact = tree.xpath("//ul[@aria-label='检索说明']//a/@href")
    assert exact and "expand=0" in exact[0]
    plain = lxml_html.fromstring(sample_site.get(exact[0]).text)
    assert not any("也搜索了" in li.text_content() for li in plain.xpath("//ul[@aria-label='检索说明']/li"))
    assert plain.xpath("//input[@name='expand']/@value") == ["0"]


def test_the_api_reports_partial_matches_with_the_words_they_have(sample_site: TestClient) -> None:
    body = sample_site.get("/api/v1/search", params={"q": "算力 量子霸权"}).json()
    assert body["hits"] and body["partial"] == ["算力"]
    assert "没有同时包含全部词语的结果，以下结果包含：算力" in body["notes"]
    assert sample_site.get("/api/v1/search", params={"q": "算力 量子霸权", "expand": "0"}).json()["hits"] == []
