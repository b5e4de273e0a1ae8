"""Linked documents on a page: 附件 such as PDF, Word, WPS and Excel files, with their link text."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlparse

from lxml import etree

from policydigest.ingest.extract.dom import inline_text
from policydigest.ingest.extract.page import Attachment

#: File types listed as attachments.
ATTACHMENT_KINDS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "zip", "rar", "7z", "ppt", "pptx", "txt")
_KIND_AT_END = re.compile(r"\.(" + "|".join(ATTACHMENT_KINDS) + r")$", re.I)


def _kind(href: str, text: str) -> str | None:
    path = unquote(urlparse(href).path)
    for candidate in (path, text):
        match = _KIND_AT_END.search(candidate.strip())
        if match:
            return match.group(1).lower()
    return None


def find_attachments(root: etree._Element, url: str | None = None) -> list[Attachment]:
    """Links to documents anywhere in ``root``, absolute when ``url`` is known, without duplicates.

    >>> import lxml.html
    >>> div = lxml.html.fromstring('<div><a href="/f/细则.pdf">附件1：实施细则</a><a href="/x.html">页</a></div>')
    >>> [(a.url, a.text, a.kind) for a in find_attachments(div, "https://www.example.gov.cn/art/1.html")]
    [('https://www.example.gov.cn/f/细则.pdf', '附件1：实施细则', 'pdf')]
    """
    found: list[Attachment] = []
    seen: set[str] = set()
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        text = inline_text(link)
        kind = _kind(href, text)
        if kind is None:
            continue
        absolute = urljoin(url, href) if url else href
        if absolute in seen:
            continue
        seen.add(absolute)
        found.append(Attachment(url=absolute, text=text, kind=kind))
    return found
