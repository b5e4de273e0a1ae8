"""trafilatura as the general fallback, for pages whose body no known container or score finds."""

from __future__ import annotations

import copy
import logging

import trafilatura
from lxml import etree

from policydigest.ingest.extract.body import Para, raw_paragraphs
from policydigest.ingest.extract.dom import INVISIBLE
from policydigest.model import Block

log = logging.getLogger(__name__)

# trafilatura's body uses TEI-like element names; our walker reads HTML ones.
_TEI_TO_HTML = {
    "head": "h3",
    "item": "li",
    "list": "ul",
    "row": "tr",
    "cell": "td",
    "lb": "br",
    "quote": "blockquote",
    "hi": "b",
}


def trafilatura_paragraphs(root: etree._Element) -> list[Para | Block]:
    """Paragraphs of the body trafilatura finds (fast mode, no comments), in reading order."""
    page = copy.deepcopy(root)
    # trafilatura keeps some invisible elements' text (<template>); none of it is ever body text.
    etree.strip_elements(page, *INVISIBLE, with_tail=False)
    try:
        document = trafilatura.bare_extraction(
            page, fast=True, include_comments=False, include_tables=True, with_metadata=False
        )
    except Exception as exc:  # trafilatura has many internal failure modes; a fallback must not raise
        log.info("trafilatura failed: %s", exc)
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in _TEI_TO_HTML:
            el.tag = _TEI_TO_HTML[el.tag]
    return raw_paragraphs(body)
