"""A web article's attachments fetched (same fetcher: address checks, robots.txt, size and time limits)
and read as documents; each one that cannot be fetched or read keeps its link and a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from policydigest.errors import FetchError
from policydigest.ingest.extract.attachment_text import ReadLimits, read_document
from policydigest.ingest.fetch import Fetcher
from policydigest.model import Article, AttachedDocument
from policydigest.settings import Settings

log = logging.getLogger(__name__)


def read_limits(settings: Settings) -> ReadLimits:
    """The reading limits the settings ask for.

    >>> read_limits(Settings(attachments_ocr=False)).ocr
    False
    """
    return ReadLimits(
        max_pages=settings.attachments_max_pages,
        ocr=settings.attachments_ocr,
        ocr_max_pages=settings.attachments_ocr_max_pages,
        zip_max_bytes=settings.attachments_zip_max_bytes,
        zip_max_ratio=settings.attachments_zip_max_ratio,
    )


def unread(links: Sequence[AttachedDocument], reason: str) -> list[AttachedDocument]:
    """The links as documents without text, each with ``reason``.

    >>> [d.reason for d in unread([AttachedDocument(url="https://e.gov.cn/a.pdf", kind="pdf")], "off")]
    ['off']
    """
    return [AttachedDocument(url=link.url, name=link.name, kind=link.kind, reason=reason) for link in links]


def fetch_document(fetcher: Fetcher, link: AttachedDocument, limits: ReadLimits) -> AttachedDocument:
    """One attachment fetched and read; a fetch failure becomes the document's reason.

    >>> from policydigest.settings import Settings
    >>> with Fetcher(Settings()) as fetcher:
    ...     fetch_document(fetcher, AttachedDocument(url="http://10.0.0.1/a.pdf"), ReadLimits()).reason[:40]
    '未能获取：拒绝抓取 http://10.0.0.1/a.pdf：10.0.0.1'
    """
    try:
        result = fetcher.fetch(link.url)
    except (FetchError, httpx.HTTPError) as exc:  # an odd server must not cost the article
        log.info("attachment %s not fetched: %s", link.url, exc)
        return unread([link], f"未能获取：{exc}")[0]
    document = read_document(result.content, url=result.final_url, name=link.name, kind=link.kind, limits=limits)
    if document.reason:
        log.info("attachment %s: %s", result.final_url, document.reason)
    return document


def read_attachments(fetcher: Fetcher, links: Sequence[AttachedDocument], settings: Settings) -> list[AttachedDocument]:
    """The attachment links read as documents, at most ``attachments_max_count`` of them.

    >>> links = [AttachedDocument(url="https://e.gov.cn/a.pdf", kind="pdf")]
    >>> read_attachments(None, links, Settings(attachments_read=False))[0].reason  # type: ignore[arg-type]
    '未读取：附件读取已关闭（设置 attachments_read）'
    """
    if not settings.attachments_read:
        return unread(links, "未读取：附件读取已关闭（设置 attachments_read）")
    limits = read_limits(settings)
    documents = [fetch_document(fetcher, link, limits) for link in links[: settings.attachments_max_count]]
    skipped = links[settings.attachments_max_count :]
    return documents + unread(
        skipped, f"未读取：附件超过 attachments_max_count={settings.attachments_max_count} 个"
    )


def with_documents(article: Article, fetcher: Fetcher, *, read: bool = True) -> Article:
    """``article`` with the attachments its page linked (``article.documents``) fetched and read as
    ``fetcher.settings`` say; without ``read`` (a source whose policy is "list") they stay links.

    >>> with_documents(Article(title="无附件"), None).documents  # type: ignore[arg-type]
    []
    """
    if not article.documents:
        return article
    settings = fetcher.settings if read else fetcher.settings.model_copy(update={"attachments_read": False})
    return article.model_copy(update={"documents": read_attachments(fetcher, article.documents, settings)})
