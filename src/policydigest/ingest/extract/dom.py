"""Parsing hostile HTML into a tree, and reading its visible text without recursion.

Every walker here is iterative: a page nested ten thousand levels deep must not exhaust the stack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

log = logging.getLogger(__name__)

#: Pages larger than this are cut before parsing: no real article needs more, and time stays bounded.
MAX_HTML_CHARS = 6_000_000

# Elements whose content is never visible text.
INVISIBLE = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "video",
        "audio",
        "head",
        "title",
        "meta",
        "link",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "center",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "address",
        "hr",
        "br",
        "body",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # icon-font glyphs: never text


def collapse(text: str) -> str:
    """White space (including full-width and no-break spaces) collapsed to single spaces, trimmed.

    >>> collapse("  数据\\u3000 要素\\n市场 ")
    '数据 要素 市场'
    """
    return _SPACE.sub(" ", _PRIVATE_USE.sub("", text)).strip()


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse text into an lxml tree; None (with a logged reason) when nothing can be parsed.

    >>> parse_html("<p>数据</p>").tag
    'html'
    >>> parse_html("   ") is None
    True
    """
    if len(html) > MAX_HTML_CHARS:
        log.info("page is %d characters; only the first %d are read", len(html), MAX_HTML_CHARS)
        html = html[:MAX_HTML_CHARS]
    # lxml refuses str input with an XML declaration, and control characters make it fail.
    html = _CONTROL.sub("", _XML_DECL.sub("", html))
    if not html.strip():
        log.info("page is empty")
        return None
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        log.info("page cannot be parsed: %s", exc)
        return None
    return root


def tag_of(el: etree._Element) -> str:
    """Lower-case tag name; '' for comments and processing instructions."""
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_hidden(el: etree._Element) -> bool:
    """Hidden by inline style or attribute (display:none and friends)."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def walk(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Pre-order walk yielding ('start', el) and ('end', el); an invisible subtree yields only ('skip', el).

    ('skip', el) lets callers keep the tail text that follows a skipped element. No recursion.
    """
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, done = stack.pop()
        if done:
            yield "end", el
            continue
        tag = tag_of(el)
        if not tag or tag in INVISIBLE:
            yield "skip", el
            continue
        yield "start", el
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))


def visible_text(root: etree._Element, *, skip_links: bool = False) -> str:
    """All visible text under ``root`` (tails included), blocks separated by newlines.

    >>> visible_text(lxml.html.fromstring("<div><p>一</p><p>二<a href='#'>链</a></p></div>"))
    '一\\n二链'
    """
    parts: list[str] = []
    link_depth = 0
    for event, el in walk(root):
        tag = tag_of(el)
        if event == "skip":
            if el.tail and el is not root and not (skip_links and link_depth):
                parts.append(el.tail)
        elif event == "start":
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if tag == "a":
                link_depth += 1
            if el.text and not (skip_links and link_depth):
                parts.append(el.text)
        else:
            if tag == "a":
                link_depth -= 1
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if el.tail and el is not root and not (skip_links and link_depth):
                parts.append(el.tail)
    return "\n".join(line for line in (collapse(x) for x in "".join(parts).split("\n")) if line)


def inline_text(el: etree._Element) -> str:
    """The visible text of ``el`` on one line: what a table cell or a link says (never script or style).

    >>> inline_text(lxml.html.fromstring("<td><script>alert(7)</script> 补贴<style>p{}</style><p>资金</p></td>"))
    '补贴 资金'
    """
    return collapse(visible_text(el))


@dataclass
class TextStream:
    """The page's visible text as one string, with where each element's text starts and ends.

    Lets metadata look "between the headline and the body" without caring about markup.
    """

    text: str = ""
    starts: dict[etree._Element, int] = field(default_factory=dict)
    ends: dict[etree._Element, int] = field(default_factory=dict)

    @classmethod
    def of(cls, root: etree._Element) -> TextStream:
        parts: list[str] = []
        length = 0
        stream = cls()
        for event, el in walk(root):
            piece = (el.text or "") if event == "start" else (el.tail or "")
            if event == "skip" and el is root:
                continue
            # A separator at every element boundary keeps "10-08" and "12:00" from fusing.
            piece = " " + collapse(piece) if piece.strip() else " "
            if event == "start":
                stream.starts[el] = length
            else:
                stream.ends[el] = length
            parts.append(piece)
            length += len(piece)
        stream.text = "".join(parts)
        return stream
