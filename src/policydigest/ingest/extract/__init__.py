"""Web page extraction: a saved or fetched page becomes a clean article.

:func:`extract_page` takes HTML (bytes or text) and returns an :class:`ExtractedPage` with the
title (without site suffixes), publication date, source, author, body blocks, attachments and
canonical URL, or ``None`` with a logged reason when the page holds no article. Chinese CMS
metadata, known content containers and WeChat pages are handled here; trafilatura is the
fallback for pages whose body none of that finds.

>>> page = extract_page(
...     '<html><head><title>关于数据条例的通知_政务公开_示例市人民政府</title>'
...     '<meta name="PubDate" content="2024-03-01 09:30"><meta name="ContentSource" content="示例市数据局">'
...     '</head><body><h1>关于数据条例的通知</h1><div id="zoom"><p>各区县人民政府：</p>'
...     '<p>现将《数据条例》印发给你们，请认真贯彻执行。</p></div><p>【打印】【关闭】</p></body></html>')
>>> page.title, page.source, str(page.published)
('关于数据条例的通知', '示例市数据局', '2024-03-01 09:30:00')
>>> page.body
'各区县人民政府：\\n现将《数据条例》印发给你们，请认真贯彻执行。'
"""

from __future__ import annotations

import logging

from policydigest.ingest.decoding import decode_html, detect_charset
from policydigest.ingest.extract import wechat
from policydigest.ingest.extract.attachments import find_attachments
from policydigest.ingest.extract.body import Para, body_chars, extract_blocks, find_container, has_body, to_blocks
from policydigest.ingest.extract.dom import TextStream, parse_html
from policydigest.ingest.extract.fallback import trafilatura_paragraphs
from policydigest.ingest.extract.legacy import script_body
from policydigest.ingest.extract.metadata import extract_metadata
from policydigest.ingest.extract.page import Attachment, ExtractedPage
from policydigest.ingest.extract.pdf import pdf_text
from policydigest.ingest.extract.scriptdata import gallery_captions, script_published

__all__ = ["Attachment", "ExtractedPage", "decode_html", "detect_charset", "extract_page", "pdf_text"]

log = logging.getLogger(__name__)


def extract_page(html: str | bytes, url: str | None = None, *, charset: str | None = None) -> ExtractedPage | None:
    """Extract the article from a page; ``charset`` is what the HTTP header declared, if anything.

    Returns None, and logs why, for an empty page or one without an article body.
    """
    text = decode_html(html, declared=charset) if isinstance(html, bytes) else html
    root = parse_html(text)
    if root is None:
        return None
    is_wechat = wechat.is_wechat(root, url)
    container = wechat.container(root) if is_wechat else find_container(root)
    meta = extract_metadata(root, TextStream.of(root), container, url)
    if is_wechat:
        meta.title = wechat.title(root) or meta.title
        meta.source = wechat.account_name(root) or meta.source
        meta.published = wechat.publish_time(root) or meta.published
    if meta.published is None:
        meta.published = script_published(root)
    blocks = (
        extract_blocks(container, title=meta.title, title_element=meta.title_element) if container is not None else []
    )
    captions = gallery_captions(root)
    if captions and sum(len(c) for c in captions) > body_chars(blocks):
        # A picture gallery: its captions, kept in script data, are the text.
        blocks = to_blocks([Para(c, "paragraph") for c in captions], title=meta.title)
    held = script_body(root) if not has_body(blocks) else None
    if held is not None:
        # The body is markup kept in a script variable (filled in by the browser).
        blocks = extract_blocks(held, title=meta.title)
    if not has_body(blocks):
        blocks = to_blocks(trafilatura_paragraphs(root), title=meta.title)
        if has_body(blocks):
            log.info("%s: body found by trafilatura, not by the known containers", url or "page")
    if not has_body(blocks):
        log.info("%s: no article body found", url or "page")
        return None
    title = meta.title or blocks[0].as_text()[:40]
    if not meta.title:
        log.info("%s: no headline found; the first words of the body stand in", url or "page")
    scope = container.getparent() if container is not None and container.getparent() is not None else root
    return ExtractedPage(
        title=title,
        published=meta.published,
        source=meta.source,
        author=meta.author,
        blocks=blocks,
        attachments=find_attachments(scope, url),
        url=url,
        canonical_url=meta.canonical_url,
    )
