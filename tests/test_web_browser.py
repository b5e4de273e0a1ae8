"""The reader in a real browser: the system's Chromium driven by Playwright against `uvicorn` on 127.0.0.1.

Screenshots go to artifacts/screenshots/ for people to look at, when the test site holds the project's own
text alone; with the shared bulletins imported they go to a temporary folder, so that their text stays outside
the repository. axe-core (tests/vendor) checks each page for serious accessibility problems.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AXE, ROOT, find_shared, serious_axe_violations
from tests.web_support import Site, serving

pytestmark = pytest.mark.slow

SHOTS = (
    ROOT / "artifacts" / "screenshots" if find_shared() is None else Path(tempfile.gettempdir()) / "policydigest-shots"
)


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    with serving(site.app()) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors  # no script error and no CSP violation on any page visited


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000
    return path


def status_total(page: Any) -> int:
    return int(page.locator("p.status strong").inner_text())


def test_reader_finds_filters_reads_and_follows_a_fact(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("header.cover .issue-line").inner_text() == "2025年3月21日 第9期 总第58期"
    shot(page, "01-home")

    page.get_by_label("检索文章").fill("数据")
    page.get_by_label("检索文章").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    everything = status_total(page)
    assert everything > 20 and page.locator("ol.hits mark").count() > 0
    shot(page, "02-search")

    page.locator("a[data-facet=column]").first.click()
    page.wait_for_url(re.compile(r"column="))
    one_facet = status_total(page)
    page.locator("a[data-facet=region]").first.click()
    page.wait_for_url(re.compile(r"column=.*region=|region=.*column="))
    two_facets = status_total(page)
    assert everything > one_facet >= two_facets > 0
    assert page.locator("ul.selected a[aria-label^='取消筛选']").count() == 2
    assert page.locator("a[data-facet][aria-current=true]").count() == 2
    shot(page, "03-search-two-facets")

    title = page.locator("ol.hits h2 a").first.inner_text()
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    article_url = page.url
    assert page.locator("h1").inner_text() == title
    assert page.locator("dl.facts a").count() > 0
    shot(page, "04-article", full_page=True)

    fact = page.locator("dl.facts a").first
    fact_text = fact.inner_text()
    fact.click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert status_total(page) > 0
    # The fact's search finds the article it came from (on the first page or a later one).
    article_path = article_url.removeprefix(base_url)
    found = page.locator(f"ol.hits a[href='{article_path}']").count()
    while not found and page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        found = page.locator(f"ol.hits a[href='{article_path}']").count()
    assert found, (fact_text, article_path)
    shot(page, "05-fact-search")


def test_issue_and_its_print_view(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="往期").click()
    page.wait_for_url(re.compile(r"/issues$"))
    page.locator("ul.issues a").nth(1).click()
    page.wait_for_url(re.compile(r"/issues/\d+"))
    assert page.locator("nav.toc").is_visible()
    assert page.locator("section.column").count() >= 3
    assert page.locator("svg.qr").count() > 0
    page.locator("nav.toc a").nth(2).click()
    assert re.search(r"#a\d+$", page.url)
    shot(page, "06-issue")

    page.get_by_role("link", name="打印版").click()
    page.wait_for_url(re.compile(r"/print"))
    assert page.locator("header.site").count() == 0
    assert page.get_by_role("button", name="打印").is_visible()
    shot(page, "07-print-view")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()  # the toolbar is not printed
    shot(page, "08-print-media")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_phone_layout_has_no_sideways_scrolling_and_folds_the_filters(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        for name, path in [("home", "/"), ("search", "/search?q=算力"), ("issue", "/issues/57")]:
            page.goto(base_url + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            shot(page, f"09-phone-{name}")
        assert page.evaluate("document.querySelector('details.filters') === null")  # issue page has none
        page.goto(base_url + "/search?q=算力")
        assert not page.locator("details.filters").get_attribute("open")
    finally:
        context.close()


def test_keyboard_reaches_the_skip_link_first_and_it_jumps_to_the_content(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=算力")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused in ("INPUT", "A", "BUTTON", "SELECT")


@pytest.mark.parametrize(
    "path", ["/", "/issues", "/issues/57", "/issues/57/print", "/search?q=数据&column=地方新政", "/columns", "/sources"]
)
def test_axe_finds_no_serious_accessibility_problem(browser: Any, base_url: str, path: str) -> None:
    if not AXE.is_file():
        pytest.fail("tests/vendor/axe.min.js is missing")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base_url + path)
        violations = serious_axe_violations(page)
    finally:
        context.close()
    serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not serious, serious


def test_article_page_from_a_hit_shows_the_same_title(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=算力&sort=date")
    first = page.locator("ol.hits h2 a").first
    expected = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == expected
    assert page.locator("section[aria-labelledby=mlt-h] li").count() > 0


# ---- what a reader met on a phone and a desktop (issue 16) ------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


def _top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_reader_polish_on_phone_and_desktop(browser: Any, base_url: str, device: str) -> None:
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    try:
        # Filters before the results on a phone (folded), beside them on a desktop.
        page.goto(base_url + "/search?q=算力")
        if device == "phone":
            assert _top(page, "details.filters") < _top(page, "section.results")
        shot(page, f"16-{device}-search")
        # The sources table keeps its labels readable: no header squashed to a character per line.
        page.goto(base_url + "/sources")
        widths = page.evaluate(
            "[...document.querySelectorAll('table.sources td')].map(td => td.getBoundingClientRect().width)"
        )
        assert widths and min(widths) > 40
        shot(page, f"16-{device}-sources", full_page=True)
        # QR codes only on wide screens (and in print); downloads on every issue page.
        page.goto(base_url + "/issues/57")
        shown = page.evaluate(
            "[...document.querySelectorAll('.link svg')].filter(s => s.getClientRects().length).length"
        )
        assert (shown == 0) if device == "phone" else shown > 0
        for name in ("下载PDF", "下载Word"):
            assert page.get_by_role("link", name=name).is_visible()
        shot(page, f"16-{device}-issue")
        page.emulate_media(media="print")
        assert page.evaluate("[...document.querySelectorAll('.link svg')].every(s => s.getClientRects().length)")
        page.emulate_media(media="screen")
        # The contents on the home page lead to the articles.
        page.goto(base_url + "/")
        first = page.locator("nav.toc a").first
        first.click()
        page.wait_for_load_state()
        assert "/issues/" in page.url and page.evaluate("location.hash && !!document.querySelector(location.hash)")
        shot(page, f"16-{device}-toc-target")
        page.goto(base_url + "/api/v1/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        shot(page, f"16-{device}-api-docs")
    finally:
        context.close()
