"""A source's links over all its listing pages: feeds, HTML listings and JSON endpoints, paged to a depth.

Page 1 is the catalogue's ``url`` (fetched conditionally by the caller); pages 2… are ``page_url``
with ``{n}`` = 1, 2 … (``index_1.html``, ``index_2.html``), up to ``pages`` in all. A page that fails
ends the paging (logged) and keeps the links found so far.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urljoin

from policydigest.errors import FetchError
from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.fetch import Fetcher, FetchResult
from policydigest.ingest.links import Link, _keep, feed_links, listing_links

log = logging.getLogger(__name__)


def page_urls(spec: SourceSpec) -> list[str]:
    """The listing pages after the first, in order.

    >>> spec = SourceSpec(name="s", kind="listing", url="https://e.gov.cn/tzgg/index.html", pages=3,
    ...                   page_url="index_{n}.html")
    >>> page_urls(spec)
    ['https://e.gov.cn/tzgg/index_1.html', 'https://e.gov.cn/tzgg/index_2.html']
    """
    if spec.page_url is None or spec.pages <= 1:
        return []
    return [urljoin(spec.address, spec.page_url.format(n=n)) for n in range(1, spec.pages)]


def _dig(data: Any, path: str | None) -> Any:
    for key in (path or "").split("."):
        if not key:
            continue
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def json_links(content: bytes, base_url: str, spec: SourceSpec) -> list[Link]:
    """Article links of a JSON listing answer: the items at ``json_items``, each's link and title.

    >>> spec = SourceSpec(name="s", kind="json", url="https://e.gov.cn/api/list", json_items="data.list")
    >>> answer = '{"data": {"list": [{"url": "/art/1.html", "title": "关于数据的通知"}, {"id": 2}]}}'.encode()
    >>> [(link.url, link.title) for link in json_links(answer, spec.address, spec)]
    [('https://e.gov.cn/art/1.html', '关于数据的通知')]
    """
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        log.warning("%s: the JSON listing is not JSON: %s", base_url, exc)
        return []
    items = _dig(data, spec.json_items)
    if not isinstance(items, list):
        log.warning("%s: no list at json_items=%r", base_url, spec.json_items)
        return []
    links = []
    for item in items:
        href = item.get(spec.json_link) if isinstance(item, dict) else None
        if isinstance(href, str) and href.strip():
            title = item.get(spec.json_title)
            links.append(Link(urljoin(base_url, href.strip()), title.strip() if isinstance(title, str) else ""))
    return _keep(links, spec.pattern)


def links_on(spec: SourceSpec, result: FetchResult) -> list[Link]:
    """Article links on one fetched page of the source.

    >>> spec = SourceSpec(name="s", kind="json", url="https://e.gov.cn/api", json_items="rows")
    >>> page = FetchResult("https://e.gov.cn/api", "https://e.gov.cn/api", 200, {}, b'{"rows": [{"url": "/a.html"}]}')
    >>> [link.url for link in links_on(spec, page)]
    ['https://e.gov.cn/a.html']
    """
    if spec.kind == "feed":
        return feed_links(result.content, result.final_url, pattern=spec.pattern)
    if spec.kind == "json":
        return json_links(result.content, result.final_url, spec)
    return listing_links(result.text(), result.final_url, selector=spec.selector, pattern=spec.pattern)


def source_links(spec: SourceSpec, first: FetchResult, fetcher: Fetcher) -> list[Link]:
    """Links of the first page and of the following pages up to ``pages``, without repeats."""
    links = links_on(spec, first)
    for url in page_urls(spec):
        try:
            page = fetcher.fetch(url)
        except FetchError as exc:
            log.info("%s: paging stopped at %s: %s", spec.name, url, exc)
            break
        links += links_on(spec, page)
    return _keep(links, None)  # a link on two pages (a pinned notice) counts once
