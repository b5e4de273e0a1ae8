"""Feeds out: Atom and RSS 2.0 (feedgen) and JSON Feed 1.1, from one list of entries.

Entries carry plain text only (titles, leads); feedgen escapes it for XML and ``json`` for JSON, so
crawled text never becomes markup in a feed reader. RSS readers take ``<description>`` as HTML, so there
it is the text escaped as HTML inside a paragraph. Every string is cleaned of characters XML cannot hold
before it is written, whatever the caller passed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from policydigest.safetext import clean_value

#: Dates in the store are days; a feed needs an instant: the start of that day in China.
CHINA = ZoneInfo("Asia/Shanghai")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class FeedFormat(StrEnum):
    """The feed formats served, by file extension."""

    ATOM = "atom"
    RSS = "rss"
    JSON = "json"


MEDIA_TYPES: dict[FeedFormat, str] = {
    FeedFormat.ATOM: "application/atom+xml; charset=utf-8",
    FeedFormat.RSS: "application/rss+xml; charset=utf-8",
    FeedFormat.JSON: "application/feed+json; charset=utf-8",
}
_LABELS = {FeedFormat.ATOM: "Atom", FeedFormat.RSS: "RSS", FeedFormat.JSON: "JSON Feed"}


def day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight of ``day`` in China, or None.

    >>> day_start(dt.date(2025, 3, 21)).isoformat()
    '2025-03-21T00:00:00+08:00'
    """
    return None if day is None else dt.datetime.combine(day, dt.time(), tzinfo=CHINA)


@dataclass(frozen=True)
class FeedEntry:
    """One item: an issue or an article."""

    id: str
    title: str
    link: str
    updated: dt.datetime | None
    summary: str = ""
    categories: tuple[str, ...] = ()
    external_url: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed: what it is about, where it lives, and its entries (newest first)."""

    title: str
    home_url: str
    self_url: str
    description: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> dt.datetime:
        """The newest entry's date (now, for an empty feed)."""
        dates = [e.updated for e in self.entries if e.updated is not None]
        return max(dates) if dates else dt.datetime.now(dt.UTC).replace(microsecond=0)


def as_html(text: str) -> str:
    """Plain text as an HTML paragraph: what an RSS ``<description>`` carries.

    >>> as_html("<img src=x onerror=alert(2)>")
    '<p>&lt;img src=x onerror=alert(2)&gt;</p>'
    """
    return f"<p>{html.escape(text)}</p>"


def _clean(feed: Feed) -> Feed:
    """The feed with every string cleaned of what XML cannot hold (controls, lone surrogates, bidi)."""
    entries = [
        dataclasses.replace(entry, **{f.name: clean_value(getattr(entry, f.name)) for f in dataclasses.fields(entry)})
        for entry in feed.entries
    ]
    values = {f.name: clean_value(getattr(feed, f.name)) for f in dataclasses.fields(feed) if f.name != "entries"}
    return Feed(**values, entries=entries)


def _generator(feed: Feed, fmt: FeedFormat) -> FeedGenerator:
    rss = fmt is FeedFormat.RSS
    fg = FeedGenerator()
    fg.id(feed.self_url)
    fg.title(feed.title)
    fg.subtitle(feed.description)
    fg.description(html.escape(feed.description) if rss else feed.description)
    fg.link(href=feed.home_url, rel="alternate")
    fg.link(href=feed.self_url, rel="self")
    fg.language("zh-CN")
    fg.generator("policydigest")
    fg.updated(feed.updated)
    fg.lastBuildDate(feed.updated)
    for entry in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.guid(entry.id, permalink=entry.id == entry.link)
        fe.title(entry.title)
        fe.link(href=entry.link, rel="alternate")
        updated = entry.updated or feed.updated
        fe.updated(updated)
        fe.published(updated)
        fe.pubDate(updated)
        if entry.summary:
            # Atom says its summary is text; RSS readers render <description> as HTML.
            fe.summary(entry.summary)
            if rss:
                fe.description(as_html(entry.summary))
        for category in entry.categories:
            fe.category(term=category)
    return fg


def json_feed(feed: Feed) -> str:
    """The feed as JSON Feed 1.1.

    >>> text = json_feed(Feed("t", "https://e.org/", "https://e.org/f.json", "d", [
    ...     FeedEntry("https://e.org/a/1", "<b>x</b>", "https://e.org/a/1", None)]))
    >>> json.loads(text)["items"][0]["title"], "<b>" in text
    ('<b>x</b>', False)
    """
    items: list[dict[str, Any]] = []
    for entry in feed.entries:
        item: dict[str, Any] = {
            "id": entry.id,
            "url": entry.link,
            "title": entry.title,
            "content_text": entry.summary or entry.title,
        }
        if entry.summary:
            item["summary"] = entry.summary
        if entry.updated:
            item["date_published"] = entry.updated.isoformat()
        if entry.external_url:
            item["external_url"] = entry.external_url
        if entry.categories:
            item["tags"] = list(entry.categories)
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.description,
        "language": "zh-CN",
        "items": items,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    # Same values, but no markup characters at all: safe even where a reader mistakes it for HTML.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_feed(feed: Feed, fmt: FeedFormat) -> bytes:
    """The feed in ``fmt``, as UTF-8 bytes.

    >>> b"<feed" in render_feed(Feed("t", "https://e.org/", "https://e.org/f.atom", "d"), FeedFormat.ATOM)
    True
    """
    feed = _clean(feed)
    if fmt is FeedFormat.JSON:
        return json_feed(feed).encode("utf-8")
    generator = _generator(feed, fmt)
    data: bytes = generator.atom_str(pretty=False) if fmt is FeedFormat.ATOM else generator.rss_str(pretty=False)
    return data


def feed_links(path: str, query: str, what: str) -> list[dict[str, str]]:
    """The three feeds of one list, for a page's <link rel=alternate> and its 订阅 line.

    >>> [link["href"] for link in feed_links("/feeds/search", "q=1", "检索")]
    ['/feeds/search.atom?q=1', '/feeds/search.rss?q=1', '/feeds/search.json?q=1']
    """
    suffix = f"?{query}" if query else ""
    return [
        {
            "href": f"{path}.{fmt.value}{suffix}",
            "type": MEDIA_TYPES[fmt].split(";")[0],
            "title": f"{what}（{_LABELS[fmt]}）",
            "label": _LABELS[fmt],
        }
        for fmt in FeedFormat
    ]
