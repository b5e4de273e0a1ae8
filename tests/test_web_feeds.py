"""Feeds out (Atom, RSS 2.0, JSON Feed 1.1) of new issues, a column and any search, read back with feedparser."""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from lxml import html as lxml_html

from policydigest.ingest.importer import import_paths
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from policydigest.web.feeds import Feed, FeedEntry, FeedFormat, render_feed
from tests.conftest import SAMPLE_DIR
from tests.web_support import HOSTILE_TITLE, RAW_MARKUP, Site

FORMATS = ("atom", "rss", "json")
MEDIA = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
BASE = "http://testserver"


def fetch(client: TestClient, url: str, fmt: str) -> tuple[bytes, list[dict[str, Any]], dict[str, Any]]:
    """The raw feed, its entries as (id, title, link, date) dicts, and the feed's own fields."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(MEDIA[fmt])
    if fmt == "json":
        document = json.loads(response.content)
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["feed_url"].startswith(BASE) and document["home_page_url"].startswith(BASE)
        for item in document["items"]:
            assert {"id", "url", "title", "content_text"} <= set(item)
        entries = [
            {"id": i["id"], "title": i["title"], "link": i["url"], "date": i.get("date_published", "")[:10]}
            for i in document["items"]
        ]
        return response.content, entries, document
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert parsed.feed.title and parsed.feed.link.startswith(BASE)
    entries = []
    for entry in parsed.entries:
        # The day as written (in China time): Atom has ISO dates, RSS RFC 822 ones.
        stamp = entry.get("updated") if fmt == "atom" else entry.get("published")
        day = stamp[:10] if fmt == "atom" else email.utils.parsedate_to_datetime(stamp).date().isoformat()
        entries.append({"id": entry.id, "title": entry.title, "link": entry.link, "date": day})
    return response.content, entries, dict(parsed.feed)


def article_id(link: str) -> int:
    path = urlsplit(link).path
    assert path.startswith("/articles/"), link
    return int(path.rsplit("/", 1)[1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_issue_feed_has_every_issue_newest_first_and_links_to_their_pages(client: TestClient, fmt: str) -> None:
    _raw, entries, _feed = fetch(client, f"/feeds/issues.{fmt}", fmt)
    issues = client.get("/api/v1/issues", params={"limit": 100}).json()["items"]
    assert [urlsplit(e["link"]).path for e in entries] == [f"/issues/{i['total_number']}" for i in issues]
    assert [e["date"] for e in entries] == [i["date"] for i in issues]
    assert entries[0]["title"].startswith("数字经济观察 第9期 总第58期")
    for entry in entries[:3]:
        assert client.get(entry["link"].removeprefix(BASE)).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_column_feed_holds_the_newest_articles_of_that_column(client: TestClient, fmt: str) -> None:
    _raw, entries, _feed = fetch(client, f"/feeds/columns/地方新政.{fmt}", fmt)
    expected = client.get("/api/v1/search", params={"column": "地方新政", "sort": "date", "limit": 30}).json()
    assert [article_id(e["link"]) for e in entries] == [h["id"] for h in expected["hits"]]
    assert [e["date"] for e in entries] == sorted((e["date"] for e in entries), reverse=True)
    for entry in entries[:3]:
        detail = client.get(f"/api/v1/articles/{article_id(entry['link'])}").json()
        assert detail["column"] == "地方新政" and detail["title"] == entry["title"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_search_can_be_subscribed_to_with_the_same_parameters(client: TestClient, fmt: str) -> None:
    """ "算力 in 地方新政" as a feed: the same articles as the search, newest first."""
    _raw, entries, feed = fetch(client, f"/feeds/search.{fmt}?q=算力&column=地方新政", fmt)
    expected = client.get(
        "/api/v1/search", params={"q": "算力", "column": "地方新政", "sort": "date", "limit": 30}
    ).json()
    assert expected["total"] > 0
    assert [article_id(e["link"]) for e in entries] == [h["id"] for h in expected["hits"]]
    assert "算力" in feed["title"] and "地方新政" in feed["title"]
    page = client.get("/search?q=算力&column=地方新政").text
    assert f'href="/feeds/search.{fmt}?q=%E7%AE%97%E5%8A%9B&amp;column=%E5%9C%B0%E6%96%B9%E6%96%B0%E6%94%BF"' in page


def test_json_feed_items_carry_the_original_link_and_tags(client: TestClient) -> None:
    document = json.loads(client.get("/feeds/columns/国策要论.json").content)
    with_links = [item for item in document["items"] if "external_url" in item]
    assert with_links and all(item["external_url"].startswith("http") for item in with_links)
    assert all(item["tags"] == ["国策要论"] for item in document["items"])


def test_an_empty_search_gives_a_valid_empty_feed(client: TestClient) -> None:
    for fmt in FORMATS:
        _raw, entries, _feed = fetch(client, f"/feeds/search.{fmt}?q=没有这样的词语组合", fmt)
        assert entries == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_titles_are_escaped_in_feeds_and_read_back_as_text(client: TestClient, fmt: str) -> None:
    raw, entries, _feed = fetch(client, f"/feeds/search.{fmt}?q=标题", fmt)
    text = raw.decode("utf-8")
    for markup in RAW_MARKUP:
        assert markup not in text, markup
    if fmt == "json":
        assert HOSTILE_TITLE in [e["title"] for e in entries]
    else:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert any(e["title"].startswith("标题") for e in entries)


def test_public_base_url_setting_makes_the_links(site: Site) -> None:
    with TestClient(site.app(web_base_url="https://digest.example.org/")) as client:
        document = json.loads(client.get("/feeds/issues.json").content)
    assert document["home_page_url"] == "https://digest.example.org/issues"
    assert all(item["url"].startswith("https://digest.example.org/issues/") for item in document["items"])


# ---- hostile input (issue 16) ----------------------------------------------------------------------

#: Characters XML cannot hold, or readers must not see, one of each kind.
XML_HOSTILE = ("\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ud800", "\u202e", "\u2066", "\ufffe")


def parsed_feed(raw: bytes, fmt: str) -> Any:
    """The feed read back strictly: lxml for Atom and RSS (no recovery), json for JSON Feed."""
    if fmt == "json":
        return json.loads(raw)
    return etree.fromstring(raw)


@pytest.fixture(scope="module")
def form_feed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A store holding one bulletin whose cover line starts with a form feed, as pdftotext writes it."""
    root = tmp_path_factory.mktemp("form-feed")
    text = (SAMPLE_DIR / "sample-bulletin-no8.txt").read_text(encoding="utf-8")
    cover = "国家数据局等4部门部署开展数据流通利用设施建设试点"
    (root / "issue.txt").write_text(text.replace(cover, f"\x0c{cover}\u202e\x1b", 1), encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{root / 'site.db'}", index_path=root / "index")
    report = import_paths([root / "issue.txt"], open_store(settings.database_url), settings)
    assert not report.failed
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_feed_parses_after_a_bulletin_with_control_characters_is_imported(
    form_feed_site: TestClient, fmt: str
) -> None:
    for url in (f"/feeds/issues.{fmt}", f"/feeds/columns/国策要论.{fmt}", f"/feeds/search.{fmt}?q=数据"):
        response = form_feed_site.get(url)
        assert response.status_code == 200, (url, response.text)
        parsed_feed(response.content, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bad", XML_HOSTILE, ids=lambda c: f"U+{ord(c):04X}")
def test_the_feed_writer_is_safe_on_its_own_whatever_text_it_is_given(fmt: str, bad: str) -> None:
    feed = Feed(
        f"题{bad}",
        "https://e.org/",
        "https://e.org/f",
        f"说明{bad}",
        [FeedEntry(f"https://e.org/a/{bad}", f"标题{bad}", "https://e.org/a", None, f"摘要{bad}", (f"栏{bad}",))],
    )
    raw = render_feed(feed, FeedFormat(fmt))
    parsed_feed(raw, fmt)
    assert bad.encode("utf-8", "surrogatepass") not in raw


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_search_feed_whose_query_holds_control_characters_is_served(client: TestClient, fmt: str) -> None:
    for query in ("%00", "%0B数据", "%E2%80%AE算力"):
        response = client.get(f"/feeds/search.{fmt}?q={query}")
        assert response.status_code == 200, (query, response.text)
        parsed_feed(response.content, fmt)


def test_rss_descriptions_are_sanitised_html_so_text_never_becomes_markup() -> None:
    hostile = "<img src=x onerror=alert(2)>&<script>alert(3)</script>"
    entry = FeedEntry("https://e.org/a", "t", "https://e.org/a", None, hostile)
    feed = Feed("t", "https://e.org/", "https://e.org/f", hostile, [entry])
    channel = etree.fromstring(render_feed(feed, FeedFormat.RSS)).find("channel")
    assert channel is not None
    for description in [channel.findtext("description"), channel.findtext("item/description")]:
        assert description is not None
        # What a reader renders as HTML: only our own paragraph element, the crawled text as text.
        fragment = lxml_html.fragment_fromstring(description, create_parent="div")
        assert [el.tag for el in fragment.iter()][1:] in ([], ["p"])
        assert fragment.text_content() == hostile


def test_rss_descriptions_served_hold_no_markup_from_crawled_text(client: TestClient) -> None:
    raw = client.get("/feeds/search.rss?q=标题").content
    for item in etree.fromstring(raw).iter("item"):
        description = item.findtext("description")
        if description:
            fragment = lxml_html.fragment_fromstring(description, create_parent="div")
            assert {el.tag for el in fragment.iter()} <= {"div", "p"}, description


# ---- the Host header is not trusted ---------------------------------------------------------------

EVIL = "evil.example"


def links_of(client: TestClient, url: str, **headers: str) -> list[str]:
    """Every absolute address in a feed or API answer: links, ids, self and next."""
    text = client.get(url, headers=headers).text
    return re.findall(r"https?://[^\s\"'<>&\\]+", text)


@pytest.mark.parametrize(
    "url", [*(f"/feeds/issues.{f}" for f in FORMATS), "/feeds/search.rss?q=数据", "/api/v1/issues?limit=1"]
)
def test_a_forged_host_header_never_makes_a_link(site: Site, url: str) -> None:
    with TestClient(site.app()) as client:
        links = links_of(client, url, host=EVIL)
    assert links and not [link for link in links if EVIL in link]


@pytest.mark.parametrize("url", ["/feeds/issues.atom", "/api/v1/issues?limit=1"])
def test_with_a_public_address_every_link_uses_it_whatever_host_was_named(site: Site, url: str) -> None:
    with TestClient(site.app(web_base_url="https://digest.example.org")) as client:
        for host in ("testserver", EVIL):
            links = [link for link in links_of(client, url, host=host) if "w3.org" not in link]
            assert links and all(link.startswith("https://digest.example.org/") for link in links), links


def test_production_mode_refuses_an_untrusted_host_with_the_error_shape(site: Site) -> None:
    with TestClient(site.app(web_production=True, web_base_url="https://digest.example.org")) as client:
        refused = client.get("/feeds/issues.atom", headers={"host": EVIL})
        page = client.get("/", headers={"host": EVIL})
        served = client.get("/feeds/issues.atom", headers={"host": "digest.example.org"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request"
    assert page.status_code == 400 and "主机" in page.text
    assert served.status_code == 200
