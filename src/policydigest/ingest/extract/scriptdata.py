"""Facts that some pages keep only in their script data: gallery captions, publish dates.

Toutiao-style galleries show one caption at a time and keep them all in
``gallery: JSON.parse("…")``; single-page apps keep ``"publishDate": "…"`` in their state.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from lxml import etree

from policydigest.ingest.extract.dates import parse_date

log = logging.getLogger(__name__)

_JSON_PARSE = re.compile(r'JSON\.parse\(\s*"((?:[^"\\]|\\.){20,})"\s*\)', re.S)
_DATE_KEYS = re.compile(
    r"""["']?(?:publishDate|publish_date|pubDate|pubdate|pubtime|publishTime|publish_time|ptime|datePublished)["']?"""
    r"""\s*[:=]\s*["']([^"'\n]{8,40})["']"""
)
_MAX_SCRIPT = 2_000_000


def _scripts(root: etree._Element) -> list[str]:
    return [el.text[:_MAX_SCRIPT] for el in root.iter("script") if el.text]


def _parsed_literals(script: str) -> list[Any]:
    found = []
    for match in _JSON_PARSE.finditer(script):
        try:
            found.append(json.loads(json.loads(f'"{match.group(1)}"')))
        except (ValueError, RecursionError):
            continue
    return found


def gallery_captions(root: etree._Element) -> list[str]:
    """All captions of a picture gallery kept in script data (``sub_abstracts``), in order.

    >>> import lxml.html
    >>> literal = '{\\\\"sub_abstracts\\\\":[\\\\"第一张。\\\\",\\\\"第二张。\\\\"]}'
    >>> page = lxml.html.fromstring(f'<html><script>var g = {{gallery: JSON.parse("{literal}")}}</script></html>')
    >>> gallery_captions(page)
    ['第一张。', '第二张。']
    """
    for script in _scripts(root):
        if "sub_abstracts" not in script:
            continue
        for data in _parsed_literals(script):
            captions = data.get("sub_abstracts") if isinstance(data, dict) else None
            if isinstance(captions, list) and all(isinstance(c, str) for c in captions):
                return [c.strip() for c in captions if c.strip()]
    return []


def script_published(root: etree._Element) -> dt.datetime | dt.date | None:
    """The first publish date named in script data (``"publishDate": "2019-09-07T05:51:23Z"``)."""
    for script in _scripts(root):
        for match in _DATE_KEYS.finditer(script):
            value = parse_date(match.group(1))
            if value is not None:
                return value
    return None
