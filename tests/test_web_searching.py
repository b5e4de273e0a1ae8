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
        # Every column has its page, even an empty one; any other value no article has is a 404 (no soft 404).
        name = "国策要论" if facet.name == "column" else "贵州"
        answer = empty_site.get(f"/{facet.route}/{name}")
        if facet.name != "column":
            assert answer.status_code == 404 and name in answer.text
            continue
        one = lxml_html.fromstring(answer.text)
        assert one.xpath("//h1/text()") == [name]
        assert SearchParams(filters={facet.name: (name,)}).describe() in one.text_content()
