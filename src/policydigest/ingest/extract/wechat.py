"""WeChat public-account articles (mp.weixin.qq.com): account name, publish time, body.

The page shows "昨天" or nothing as a date; the real publish time sits in the page's script data
(``var ct = "1581517074"``, ``publish_time``, ``create_time``). The account name is
``var nickname`` (or the ``#js_name`` element), and it is the article's source.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from policydigest.ingest.extract.dates import from_timestamp, parse_date
from policydigest.ingest.extract.dom import collapse, tag_of, visible_text

_VAR = r"""(?:var\s+)?{name}\s*[:=]\s*(?:["']([^"'\n]{{1,200}})["']|(\d{{9,13}}))"""
_TIME_VARS = ("ct", "publish_time", "create_time", "ori_create_time")
_JS_CONTENT = etree.XPath("//*[@id='js_content']")


def _scripts(root: etree._Element) -> str:
    return "\n".join(el.text or "" for el in root.iter("script"))


def _var(script: str, name: str) -> str | None:
    match = re.search(_VAR.format(name=re.escape(name)), script)
    if not match:
        return None
    value = (match.group(1) or match.group(2) or "").strip()
    # WeChat escapes some characters in these strings (&amp; and \x26 style).
    value = value.replace("\\x26", "&").replace("&amp;", "&").replace("\\x27", "'")
    return value or None


def is_wechat(root: etree._Element, url: str | None = None) -> bool:
    """A WeChat article page (by URL or by its markup).

    >>> import lxml.html
    >>> is_wechat(lxml.html.fromstring('<div id="js_content"><p>正文</p></div>'))
    True
    """
    if url and "mp.weixin.qq.com" in url:
        return True
    return container(root) is not None


def container(root: etree._Element) -> etree._Element | None:
    """The ``#js_content`` element (WeChat hides it until scripts run, so visibility is ignored)."""
    found = _JS_CONTENT(root)
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def account_name(root: etree._Element) -> str | None:
    """The public account's name: ``var nickname``, else ``#js_name`` / ``.profile_nickname``."""
    name = _var(_scripts(root), "nickname")
    if name:
        return collapse(name)
    for el in root.iter():
        if tag_of(el) and (el.get("id") == "js_name" or "profile_nickname" in (el.get("class") or "")):
            text = collapse(visible_text(el))
            if text:
                return text
    return None


def publish_time(root: etree._Element) -> dt.datetime | dt.date | None:
    """Publish time from the script data (``var ct``, ``publish_time``, ``create_time``), Beijing time."""
    script = _scripts(root)
    for name in _TIME_VARS:
        value = _var(script, name)
        if not value:
            continue
        found: dt.datetime | dt.date | None = from_timestamp(int(value[:10])) if value.isdigit() else parse_date(value)
        if found is not None:
            return found
    return None


def title(root: etree._Element) -> str | None:
    """``var msg_title``, else the ``#activity-name`` heading."""
    value = _var(_scripts(root), "msg_title")
    if value:
        return collapse(value)
    for el in root.iter():
        if tag_of(el) and el.get("id") == "activity-name":
            return collapse(visible_text(el)) or None
    return None
