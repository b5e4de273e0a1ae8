"""The intelligence pages in Chromium: axe-core finds no serious or critical problem, and the charts load
nothing from the network (every request stays on the app's own address)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from intel_samples import sample_site
from policydigest.web.app import create_app
from tests.conftest import serious_axe_violations
from tests.web_support import serving

pytestmark = pytest.mark.slow

PATHS = [
    "/documents",
    "/documents/1",
    "/documents/2",
    "/articles/2",
    "/targets",
    "/targets?region=云南",
    "/compare?ids=1,2",
    "/trends",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = sample_site(tmp_path_factory.mktemp("intel-browser"))
    with serving(create_app(settings)) as url:
        yield url


@pytest.mark.parametrize("path", PATHS)
def test_axe_finds_no_serious_problem_and_nothing_is_fetched_elsewhere(browser: Any, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200
        violations = serious_axe_violations(page)
    finally:
        context.close()
    serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not serious, serious
    assert all(url.startswith(base_url) or url.startswith("data:") for url in requested), requested
