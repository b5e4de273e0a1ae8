"""Older government pages: bodies held in a script variable, and pages that are only a frameset.

Some CMS pages ship an empty ``<div id="zoom">`` and fill it from a string in a script
(``var content = "<p>…</p>"; el.innerHTML = content``); the body is that string's markup. A frameset
page has no body of its own: the article is in its main frame, fetched in its place.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

log = logging.getLogger(__name__)

# A JavaScript string literal (either quote) of some length; the markup test comes after.
_LITERAL = re.compile(r""""((?:[^"\\\n]|\\.){80,})"|'((?:[^'\\\n]|\\.){80,})'""", re.S)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}
_MARKUP = re.compile(r"<(?:p|div|br|span|table)\b", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Frames whose name or id says they hold the page's content.
_MAIN_FRAME = re.compile(r"main|content|body|right|zw|nr", re.I)


def _unescape(literal: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, literal)


def script_body(root: etree._Element) -> etree._Element | None:
    """The markup a script puts into the page, as an element, when a script holds the article body.

    The longest string literal that is markup with Chinese text wins.

    >>> page = lxml.html.fromstring('<html><body><div id="c"></div><script>var c = "<p>' + "数据" * 40 +
    ...                             '</p><p>第二段。</p>"; document.getElementById("c").innerHTML = c;</script>')
    >>> [p.text_content()[:4] for p in script_body(page).iter("p")]
    ['数据数据', '第二段。']
    """
    best: str | None = None
    for script in root.iter("script"):
        for match in _LITERAL.finditer(script.text or ""):
            text = _unescape(match.group(1) or match.group(2) or "")
            if _MARKUP.search(text) and len(_CJK.findall(text)) >= 40 and len(text) > len(best or ""):
                best = text
    if best is None:
        return None
    try:
        return lxml.html.fragment_fromstring(best, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        log.info("script-held body is not parseable markup: %s", exc)
        return None


def main_frame(html: str | bytes, url: str) -> str | None:
    """The address of the frame that holds the content, when the page is a frameset (or one big iframe).

    >>> main_frame('<html><frameset rows="80,*"><frame src="top.html" name="top">'
    ...            '<frame src="/art/1.html" name="main"></frameset></html>', "http://e.gov.cn/a/index.html")
    'http://e.gov.cn/art/1.html'
    >>> main_frame("<html><body><p>正文</p></body></html>", "http://e.gov.cn/") is None
    True
    """
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    frames = [el for el in root.iter("frame", "iframe") if (el.get("src") or "").strip()]
    if not frames:
        return None
    is_frameset = any(True for _ in root.iter("frameset"))
    body = root.find("body")
    own_text = len(_CJK.findall(body.text_content())) if body is not None else 0
    if not is_frameset and own_text >= 40:
        return None  # a page with its own text: its iframes are widgets
    named = [el for el in frames if _MAIN_FRAME.search(f"{el.get('name', '')} {el.get('id', '')}")]
    chosen = (named or frames)[-1] if is_frameset else (named or frames)[0]
    target = urljoin(url, chosen.get("src", "").strip())
    return target if target.startswith(("http://", "https://")) and target != url else None
