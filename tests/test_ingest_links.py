"""Links from feeds (RSS, Atom, JSON Feed) and listing pages (selector and automatic detection)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policydigest.ingest.fetch import Fetcher
from policydigest.ingest.links import canonical_url, feed_links, listing_links
from policydigest.settings import Settings

NEWEST_FIRST = [105, 104, 103, 102, 101]


def fetched(web: Any, settings: Settings, path: str) -> tuple[bytes, str, str]:
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(web.url(path))
    return result.content, result.text(), result.final_url


def test_rss_feed_gives_links_titles_and_dates(web: Any, web_settings: Settings) -> None:
    content, _, url = fetched(web, web_settings, "/feeds/rss.xml")
    links = feed_links(content, url)
    assert [link.url for link in links] == [web.url(f"/art/2024/art_{n}.html") for n in (101, 102, 103)]
    assert links[1].title == "明湖市2024年算力券申领工作启动"
    assert links[0].published == dt.date(2024, 5, 6)


def test_atom_feed_gives_alternate_links(web: Any, web_settings: Settings) -> None:
    content, _, url = fetched(web, web_settings, "/feeds/atom.xml")
    links = feed_links(content, url)
    assert [link.url for link in links] == [web.url(f"/art/2024/art_{n}.html") for n in (103, 104, 105)]
    assert links[2].title == "明湖市发布首批数据资产入表典型案例"


def test_json_feed_is_read_and_items_without_url_are_skipped(web: Any, web_settings: Settings) -> None:
    content, _, url = fetched(web, web_settings, "/feeds/feed.json")
    links = feed_links(content, url)
    assert [link.url for link in links] == [web.url("/art/2024/art_101.html"), web.url("/art/2024/art_105.html")]
    assert links[1].published == dt.date(2024, 5, 15)


def test_feed_pattern_keeps_only_matching_links(web: Any, web_settings: Settings) -> None:
    content, _, url = fetched(web, web_settings, "/feeds/rss.xml")
    assert [link.url for link in feed_links(content, url, pattern=r"art_10[13]\.html$")] == [
        web.url("/art/2024/art_101.html"),
        web.url("/art/2024/art_103.html"),
    ]


def test_json_that_is_not_a_json_feed_gives_no_links() -> None:
    assert feed_links(b'{"items": [{"url": "https://e.org/a"}]}', "https://e.org/feed.json") == []


def test_broken_feed_gives_no_links() -> None:
    assert feed_links(b"<html><body>not a feed</body></html>", "https://e.org/rss") == []


def test_listing_main_list_is_detected_without_selector(web: Any, web_settings: Settings) -> None:
    _, html, url = fetched(web, web_settings, "/list/")
    links = listing_links(html, url)
    urls = [link.url for link in links]
    # The main list, newest first, and nothing from the navigation, side box or friendly links.
    assert urls == [web.url(f"/art/2024/art_{n}.html") for n in NEWEST_FIRST] + [web.url("/zt/special.html")]
    assert links[0].published == dt.date(2024, 5, 15)
    assert links[0].title == "明湖市发布首批数据资产入表典型案例"


def test_listing_pattern_drops_links_outside_the_articles(web: Any, web_settings: Settings) -> None:
    _, html, url = fetched(web, web_settings, "/list/")
    urls = [link.url for link in listing_links(html, url, pattern=r"/art/\d{4}/art_\d+\.html")]
    assert urls == [web.url(f"/art/2024/art_{n}.html") for n in NEWEST_FIRST]


def test_listing_selector_picks_exactly_the_selected_links(web: Any, web_settings: Settings) -> None:
    _, html, url = fetched(web, web_settings, "/list/")
    urls = [link.url for link in listing_links(html, url, selector="div.side li a")]
    assert urls == [web.url("/zt/a.html"), web.url("/zt/b.html"), web.url("/zt/c.html")]


def test_selector_on_list_items_takes_the_links_inside_them(web: Any, web_settings: Settings) -> None:
    _, html, url = fetched(web, web_settings, "/list/")
    links = listing_links(html, url, selector="div.list-main li", pattern="/art/")
    assert [link.url for link in links] == [web.url(f"/art/2024/art_{n}.html") for n in NEWEST_FIRST]


def test_redesigned_listing_without_links_gives_none(web: Any, web_settings: Settings) -> None:
    _, html, url = fetched(web, web_settings, "/list/redesigned.html")
    assert listing_links(html, url) == []
    assert listing_links(html, url, selector="div.list-main li a") == []


def test_repeated_links_are_kept_once() -> None:
    page = (
        "<ul>"
        + "".join(f'<li><a href="/a{i % 2}.htm#p{i}">关于印发示例通知的第{i}号文件</a></li>' for i in range(4))
        + "</ul>"
    )
    assert [link.url for link in listing_links(page, "https://e.org/")] == [
        "https://e.org/a0.htm#p0",
        "https://e.org/a1.htm#p1",
    ]


def test_canonical_url_ignores_case_fragment_tracking_and_query_order() -> None:
    assert canonical_url("https://WWW.GOV.CN/zhengce/a.htm?b=2&a=1&utm_source=wechat#top") == canonical_url(
        "https://www.gov.cn/zhengce/a.htm?a=1&b=2"
    )
    assert canonical_url("https://www.gov.cn/a.htm?id=1") != canonical_url("https://www.gov.cn/a.htm?id=2")
