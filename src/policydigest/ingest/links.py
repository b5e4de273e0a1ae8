"""Links to articles, found in feeds (RSS, Atom, JSON Feed) and in listing pages.

Listing pages get either the catalogue's CSS selector or automatic detection of the main link list:
links are grouped by the element holding their list items, boilerplate regions (navigation, header,
footer, sidebars) are skipped, and the group with the most title-like link text wins.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import lxml.html
from courlan import normalize_url
from lxml.etree import ParserError, _Element

log = logging.getLogger(__name__)

ITEM_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "h2", "h3", "h4"})
BOILERPLATE = re.compile(r"nav|menu|header|footer|breadcrumb|crumb|sidebar|banner|toolbar|share|friend|link_?s?$")
DATE_IN_TEXT = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
MIN_TITLE_CHARS = 5
MIN_LIST_LINKS = 3


@dataclass(frozen=True)
class Link:
    """An article link: where it points, its title and date when the list gives them."""

    url: str
    title: str = ""
    published: dt.date | None = None


def canonical_url(url: str) -> str:
    """The form of ``url`` used to recognise the same page again (no fragment, tracking or case noise).

    >>> canonical_url("HTTP://WWW.Gov.CN:80/zhengce/a.htm?utm_source=wx&b=2&a=1#top")
    'http://www.gov.cn/zhengce/a.htm?a=1&b=2'
    """
    bare, _fragment = urldefrag(url.strip())
    try:
        return str(normalize_url(bare))
    except ValueError:
        return bare


def _date_from(text: str) -> dt.date | None:
    match = DATE_IN_TEXT.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _keep(links: list[Link], pattern: str | None) -> list[Link]:
    """Links that are http(s), match ``pattern`` and are not repeats, in order."""
    regex = re.compile(pattern) if pattern else None
    seen: set[str] = set()
    kept = []
    for link in links:
        if urlsplit(link.url).scheme not in ("http", "https"):
            continue
        if regex is not None and not regex.search(link.url):
            continue
        key = canonical_url(link.url)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return kept


# ---- feeds -----------------------------------------------------------------------------------


def _json_feed(data: dict[str, object], base_url: str) -> list[Link]:
    items = data.get("items")
    links = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        target = item.get("url") or item.get("external_url")
        if not isinstance(target, str):
            continue
        published = None
        stamp = item.get("date_published") or item.get("date_modified")
        if isinstance(stamp, str):
            try:
                published = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
            except ValueError:
                published = _date_from(stamp)
        title = item.get("title")
        links.append(
            Link(
                url=urljoin(base_url, target),
                title=title if isinstance(title, str) else "",
                published=published,
            )
        )
    return links


def feed_links(content: bytes, base_url: str, *, pattern: str | None = None) -> list[Link]:
    """Article links of an RSS, Atom or JSON Feed document, in feed order.

    >>> rss = b'<rss version="2.0"><channel><item><title>T</title><link>https://e.org/a</link></item></channel></rss>'
    >>> feed_links(rss, "https://e.org/feed")
    [Link(url='https://e.org/a', title='T', published=None)]
    """
    head = content.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            data = json.loads(content)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("feed %s looks like JSON but is not: %s", base_url, exc)
            return []
        version = data.get("version", "") if isinstance(data, dict) else ""
        if not str(version).startswith("https://jsonfeed.org/version/"):
            log.warning("feed %s is JSON but not a JSON Feed (version %r)", base_url, version)
            return []
        return _keep(_json_feed(data, base_url), pattern)
    parsed = feedparser.parse(content, response_headers={"content-location": base_url})
    if parsed.bozo and not parsed.entries:
        log.warning("feed %s could not be parsed: %s", base_url, parsed.get("bozo_exception"))
        return []
    links = []
    for entry in parsed.entries:
        target = entry.get("link") or entry.get("id")
        if not target:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        links.append(Link(url=urljoin(base_url, target), title=entry.get("title", ""), published=published))
    return _keep(links, pattern)


# ---- listing pages ---------------------------------------------------------------------------


def _in_boilerplate(element: _Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("nav", "header", "footer", "aside"):
            return True
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if any(BOILERPLATE.search(mark) for mark in marks.split()):
            return True
    return False


def _anchor_link(anchor: _Element, item: _Element | None = None) -> Link | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    title = " ".join((anchor.get("title") or anchor.text_content() or "").split())
    context = item.text_content() if item is not None else ""
    return Link(url=href, title=title, published=_date_from(context))


def _item_of(anchor: _Element) -> _Element:
    node = anchor
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node.tag in ITEM_TAGS:
            return node
    return anchor


def _detect_list(root: _Element) -> list[Link]:
    groups: dict[_Element, list[Link]] = defaultdict(list)
    weights: dict[_Element, int] = defaultdict(int)
    for anchor in root.iter("a"):
        item = _item_of(anchor)
        link = _anchor_link(anchor, item)
        if link is None or len(link.title) < MIN_TITLE_CHARS or _in_boilerplate(anchor):
            continue
        container = item.getparent() if item is not anchor else anchor.getparent()
        if container is None:
            continue
        groups[container].append(link)
        weights[container] += len(link.title)
    lists = [c for c in groups if len(groups[c]) >= MIN_LIST_LINKS]
    if not lists:
        return []
    best = max(lists, key=lambda c: weights[c])
    return groups[best]


def listing_links(html: str, base_url: str, *, selector: str | None = None, pattern: str | None = None) -> list[Link]:
    """Article links of a listing page: those ``selector`` picks, or the detected main list.

    >>> page = "<ul>" + "".join(f'<li><a href="/a{i}.htm">关于印发第{i}号通知</a></li>' for i in range(3)) + "</ul>"
    >>> [link.url for link in listing_links(page, "https://e.org/list/")]
    ['https://e.org/a0.htm', 'https://e.org/a1.htm', 'https://e.org/a2.htm']
    """
    try:
        root = lxml.html.document_fromstring(html, base_url=base_url)
    except (ParserError, ValueError) as exc:
        log.warning("listing %s could not be parsed: %s", base_url, exc)
        return []
    root.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    if selector:
        links = []
        for element in root.cssselect(selector):
            anchors = [element] if element.tag == "a" else list(element.iter("a"))
            for anchor in anchors:
                link = _anchor_link(anchor, _item_of(anchor))
                if link is not None:
                    links.append(link)
        if not links:
            log.info("selector %r matched no link on %s", selector, base_url)
    else:
        links = _detect_list(root)
        if not links:
            log.info("no list of article links detected on %s", base_url)
    return _keep(links, pattern)
