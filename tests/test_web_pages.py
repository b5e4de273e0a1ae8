"""The reader pages over a real store: what each shows, links that work, escaping, accessibility basics, size."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tests.desk_support import login, make_users
from tests.web_support import HOSTILE_TITLE, RAW_MARKUP, Site, without_svg

HOSTILE_SERIES = "测试<周刊>"
PAGE_LIMIT = 100_000


def page(client: TestClient, url: str, status: int = 200) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return lxml_html.fromstring(response.text)


def api(client: TestClient, url: str, **params: object) -> dict:  # type: ignore[type-arg]
    response = client.get(url, params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def article_ids(doc: lxml_html.HtmlElement, where: str = "//main") -> list[int]:
    return [int(href.rsplit("/", 1)[1]) for href in doc.xpath(f"{where}//a[starts-with(@href, '/articles/')]/@href")]


def hostile_article_id(client: TestClient) -> int:
    hits = api(client, "/api/v1/search", q="标题", limit=100)["hits"]
    return next(h["id"] for h in hits if h["title"] == HOSTILE_TITLE)


def biggest_issue(client: TestClient) -> int:
    issues = api(client, "/api/v1/issues", limit=100)["items"]
    return max(issues, key=lambda i: i["articles"])["total_number"]  # type: ignore[no-any-return]


def page_urls(client: TestClient) -> dict[str, str]:
    """One URL of each page type (the biggest instance where sizes differ)."""
    issue = biggest_issue(client)
    longest = max(
        api(client, "/api/v1/articles", limit=100)["items"],
        key=lambda a: len(api(client, f"/api/v1/articles/{a['id']}")["blocks"]),
    )
    return {
        "home": "/",
        "archive": "/issues",
        "issue": f"/issues/{issue}",
        "print": f"/issues/{issue}/print",
        "article": f"/articles/{longest['id']}",
        "search": "/search?q=数据",
        "search-empty": "/search",
        "columns": "/columns",
        "column": "/columns/地方新政",
        "regions": "/regions",
        "region": "/regions/贵州",
        "authorities": "/authorities",
        "authority": "/authorities/国家数据局",
        "topics": "/topics",
        "topic": "/topics/算力与全国一体化算力网",
        "sources": "/sources",
        "not-found": "/no/such/page",
    }


# ---- every page type ----------------------------------------------------------------------------


def test_every_page_type_is_accessible_chinese_html_under_100_kb_before_images(client: TestClient) -> None:
    for name, url in page_urls(client).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        text = response.text
        assert len(without_svg(text).encode()) < PAGE_LIMIT, (name, len(text.encode()))
        doc = lxml_html.fromstring(text)
        assert doc.get("lang") == "zh-CN", url
        assert len(doc.xpath("//main")) == 1 and doc.xpath("//title/text()"), url
        assert len(doc.xpath("//h1")) == 1, url
        for field in doc.xpath("//input[not(@type='hidden')] | //select"):
            labelled = field.get("aria-label") or doc.xpath(f"//label[@for='{field.get('id')}']")
            assert labelled, (url, lxml_html.tostring(field))
        for svg in doc.xpath("//svg"):
            assert svg.get("role") == "img" and svg.get("aria-label"), url
        for nav in doc.xpath("//nav"):
            assert nav.get("aria-label") or nav.get("aria-labelledby"), url
        # No inline script or handler: the Content-Security-Policy allows only our own files.
        assert not doc.xpath("//script[not(@src)] | //*[@style] | //style"), url
        assert not [a for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")], url
        if name not in ("print", "not-found"):
            assert doc.xpath("//a[@class='skip' and @href='#main']") and doc.xpath("//main[@id='main']"), url


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


# ---- home, archive, issue, print ----------------------------------------------------------------


def test_home_shows_the_latest_issue_with_its_contents(client: TestClient) -> None:
    latest = api(client, "/api/v1/issues", limit=1)["items"][0]
    doc = page(client, "/")
    assert latest["total_number"] == 58
    assert "2025年3月21日 第9期 总第58期" in doc.text_content()
    issue = api(client, "/api/v1/issues/58")
    toc = doc.xpath("//nav[@class='toc']//li//text()")
    assert {a["title"] for a in issue["articles"]} <= {t.strip() for t in toc} | {a["title"] for a in issue["articles"]}
    assert doc.xpath("//a[starts-with(@href, '/issues/58')]")


def test_archive_lists_every_issue_newest_first(client: TestClient) -> None:
    doc = page(client, "/issues")
    links = doc.xpath("//ul[@class='issues']/li/a/@href")
    expected = [f"/issues/{i['total_number']}" for i in api(client, "/api/v1/issues", limit=100)["items"]]
    assert [urlsplit(link).path for link in links] == expected


def test_issue_page_is_laid_out_like_the_bulletin(client: TestClient, site: Site) -> None:
    doc = page(client, "/issues/57")
    issue = api(client, "/api/v1/issues/57")
    text = doc.text_content()
    assert "2025年3月14日 第8期 总第57期" in text and "本期要目" in text and "编辑信息" in text
    headings = [h.text_content() for h in doc.xpath("//section[@class='column']/h2")]
    order = [c for c in site.settings.columns if c in headings]
    assert order == [h for h in headings if h in site.settings.columns]  # columns in the bulletin's order
    titles = [h.text_content() for h in doc.xpath("//section[@class='column']/article/h3")]
    assert sorted(titles) == sorted(a["title"] for a in issue["articles"])
    for anchor in doc.xpath("//nav[@class='toc']//a/@href"):
        assert doc.xpath(f"//article[@id='{anchor[1:]}']"), anchor
    with_links = [a for a in issue["articles"] if a["url"]]
    assert len(doc.xpath("//article//svg[@class='qr']")) == len(with_links) > 0
    for article in with_links:
        assert doc.xpath(f"//article//a[@href='{article['url']}']"), article["url"]
    assert len(doc.xpath("//article//p[@class='source']")) == sum(1 for a in issue["articles"] if a["source"])
    assert set(article_ids(doc)) == {a["id"] for a in issue["articles"]}


def test_print_view_holds_the_whole_issue_without_site_navigation(client: TestClient) -> None:
    doc = page(client, "/issues/57/print")
    screen = page(client, "/issues/57")
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/print.css"]
    assert not doc.xpath("//header[@class='site']") and not doc.xpath("//form")
    assert doc.xpath("//button[@data-print]")
    assert [h.text_content() for h in doc.xpath("//article/h3")] == [
        h.text_content() for h in screen.xpath("//article/h3")
    ]
    css = client.get("/static/print.css")
    assert css.status_code == 200 and "@page" in css.text and "@media print" in css.text


def test_unknown_issue_page_is_an_html_404(client: TestClient) -> None:
    doc = page(client, "/issues/424242", status=404)
    assert "没有总第424242期" in doc.text_content()


# ---- article ------------------------------------------------------------------------------------


def test_article_page_links_every_fact_to_a_search_that_finds_the_article(client: TestClient) -> None:
    issue = api(client, "/api/v1/issues/58")
    checked = 0
    for entry in issue["articles"]:
        doc = page(client, f"/articles/{entry['id']}")
        for href in doc.xpath("//dl[@class='facts']//a/@href"):
            assert href.startswith("/search?")
            params = parse_qsl(urlsplit(href).query)
            found = client.get("/api/v1/search", params=[*params, ("limit", "100")]).json()
            assert entry["id"] in [hit["id"] for hit in found["hits"]], (entry["title"], href)
            checked += 1
    assert checked >= 20


def test_article_page_shows_text_summary_topics_and_related_articles(client: TestClient) -> None:
    entry = api(client, "/api/v1/issues/58")["articles"][0]
    detail = api(client, f"/api/v1/articles/{entry['id']}")
    doc = page(client, f"/articles/{entry['id']}")
    assert doc.xpath("//h1")[0].text_content() == detail["title"]
    assert detail["summary"]["summary"] in doc.xpath("//p[@class='abstract']")[0].text_content()
    topic_links = doc.xpath("//section[@aria-labelledby='topics-h']//a")
    assert [a.text_content() for a in topic_links] == [t["label"] for t in detail["topics"]]
    similar = api(client, f"/api/v1/articles/{entry['id']}/similar")["items"]
    assert article_ids(doc, "//section[@aria-labelledby='mlt-h']") == [h["id"] for h in similar]
    crumbs = doc.xpath("//nav[@class='crumbs']//a/@href")
    assert any(href.startswith("/issues/58") for href in crumbs)


def test_article_page_lists_its_near_duplicates(client: TestClient) -> None:
    found = 0
    for item in api(client, "/api/v1/articles", limit=100)["items"]:
        detail = api(client, f"/api/v1/articles/{item['id']}")
        if detail["duplicates"]:
            doc = page(client, f"/articles/{item['id']}")
            assert article_ids(doc, "//section[@aria-labelledby='dups-h']") == [d["id"] for d in detail["duplicates"]]
            found += 1
    assert found >= 2


# ---- search and browsing ------------------------------------------------------------------------


def test_search_page_facets_add_and_remove_filters_in_the_url(client: TestClient) -> None:
    doc = page(client, "/search?q=数据")
    total = int(doc.xpath("//p[@class='status']/strong/text()")[0])
    link = doc.xpath("//a[@data-facet='column']")[0]
    count = int(link.getparent().xpath("span[@class='count']/text()")[0])
    assert count < total
    narrowed = page(client, link.get("href"))
    assert int(narrowed.xpath("//p[@class='status']/strong/text()")[0]) == count
    assert narrowed.xpath("//a[@data-facet='column' and @aria-current='true']")
    second = narrowed.xpath("//a[@data-facet='region' or @data-facet='topic']")[0]
    both = page(client, second.get("href"))
    assert dict(parse_qsl(urlsplit(second.get("href")).query)).keys() >= {"q", "column"}
    assert len(both.xpath("//ul[contains(@class, 'selected')]/li")) == 3  # two chips and "clear all"
    chip = both.xpath("//ul[contains(@class, 'selected')]//a")[0].get("href")
    assert int(page(client, chip).xpath("//p[@class='status']/strong/text()")[0]) >= int(
        both.xpath("//p[@class='status']/strong/text()")[0]
    )


def test_search_form_keeps_the_filters_so_the_url_can_be_shared(client: TestClient) -> None:
    doc = page(client, "/search?q=算力&column=地方新政&region=贵州&sort=date")
    assert doc.xpath("//input[@id='q']/@value") == ["算力"]
    hidden = {(i.get("name"), i.get("value")) for i in doc.xpath("//form[@class='search']//input[@type='hidden']")}
    assert hidden == {("column", "地方新政"), ("region", "贵州")}
    assert doc.xpath("//select[@id='sort']/option[@selected]/@value") == ["date"]
    feeds = doc.xpath("//link[@rel='alternate']/@href")
    assert "/feeds/search.atom?q=%E7%AE%97%E5%8A%9B&column=%E5%9C%B0%E6%96%B9%E6%96%B0%E6%94%BF" in feeds[0]
    found = api(client, "/api/v1/search", q="算力", column="地方新政", region="贵州", sort="date")
    assert article_ids(doc, "//section[@class='results']") == [h["id"] for h in found["hits"]]


def test_search_with_bad_parameters_is_an_html_422(client: TestClient) -> None:
    doc = page(client, "/search?since=notaday", status=422)
    assert "参数有误" in doc.text_content()


def test_column_index_lists_every_column_with_its_count(client: TestClient, site: Site) -> None:
    doc = page(client, "/columns")
    names = [a.text_content() for a in doc.xpath("//ul[@class='index']//a")]
    assert names[: len(site.settings.columns)] == site.settings.columns
    counts = {c["value"]: c["count"] for c in api(client, "/api/v1/facets")["facets"]["column"]}
    for li in doc.xpath("//ul[@class='index']/li"):
        name = li.xpath("a/text()")[0]
        assert li.xpath("span/text()")[0] == f"{counts.get(name, 0)}篇"


@pytest.mark.parametrize(
    ("url", "facet", "value"),
    [
        ("/columns/地方新政", "column", "地方新政"),
        ("/regions/贵州省", "region", "贵州省"),
        ("/authorities/国家数据局", "authority", "国家数据局"),
        ("/topics/算力与全国一体化算力网", "topic", "算力与全国一体化算力网"),
    ],
)
def test_page_per_facet_value_lists_exactly_its_articles(client: TestClient, url: str, facet: str, value: str) -> None:
    doc = page(client, url)
    assert doc.xpath("//h1/text()") == [value]
    expected = api(client, "/api/v1/search", **{facet: value, "limit": 20})
    assert int(doc.xpath("//p[@class='status']/strong/text()")[0]) == expected["total"] > 0
    assert article_ids(doc, "//section[@class='results']") == [h["id"] for h in expected["hits"]]
    assert not doc.xpath(f"//a[@data-facet='{facet}']")  # the page's own facet is fixed by its path
    narrowed = doc.xpath("//a[@data-facet]")[0].get("href")
    assert unquote(urlsplit(narrowed).path) == url


def test_region_page_of_a_province_includes_its_cities(client: TestClient) -> None:
    province = api(client, "/api/v1/search", region="贵州", limit=100)
    city = api(client, "/api/v1/search", region="贵阳", limit=100)
    assert {h["id"] for h in city["hits"]} <= {h["id"] for h in province["hits"]}
    assert page(client, "/regions/贵州").xpath("//p[@class='status']/strong/text()") == [str(province["total"])]


# ---- escaping -----------------------------------------------------------------------------------


def test_hostile_text_renders_escaped_on_every_page(client: TestClient) -> None:
    article = hostile_article_id(client)
    urls = [
        "/issues",
        f"/issues/30?series={HOSTILE_SERIES}",
        f"/issues/30/print?series={HOSTILE_SERIES}",
        f"/articles/{article}",
        "/search?q=标题",
        "/search?q=<script>alert(1)</script>",
        "/columns/国策要论?q=标题",
        '/search?q=标题&source=来源"><svg onload=alert(2)>',
    ]
    for url in urls:
        text = client.get(url).text
        for raw in RAW_MARKUP:
            assert raw not in text, (url, raw)
        assert "&lt;script&gt;" in text, url
    title = page(client, f"/articles/{article}").xpath("//h1")[0].text_content()
    assert title == HOSTILE_TITLE


def test_a_javascript_link_is_shown_as_text_never_as_a_link(client: TestClient) -> None:
    doc = page(client, f"/issues/30?series={HOSTILE_SERIES}")
    assert "javascript:alert(3)" in doc.text_content()
    assert not [href for href in doc.xpath("//@href") if href.lower().startswith("javascript")]


# ---- sources ------------------------------------------------------------------------------------


def test_sources_page_shows_health_and_offers_rechecks_only_to_signed_in_editors(
    client: TestClient, site: Site
) -> None:
    doc = page(client, "/sources")
    rows = doc.xpath("//table[@class='sources']/tbody/tr")
    assert len(rows) == api(client, "/api/v1/sources")["total"] > 0
    assert {r.xpath("td[1]/span/text()")[0] for r in rows} <= {"正常", "注意", "故障", "未运行"}
    assert not doc.xpath("//form[@id='recheck']")
    make_users(site.store())
    with TestClient(site.app()) as editor:
        login(editor, "editor")
        doc = lxml_html.fromstring(editor.get("/sources").text)
        assert doc.xpath("//form[@id='recheck']//input[@name='csrf']")
        assert len(doc.xpath("//button[@form='recheck']")) == len(rows)
        refused = editor.post("/sources/check", data={"source": rows[0].xpath("th/a/text()")[0], "csrf": "wrong"})
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
