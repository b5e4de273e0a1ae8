"""From a link to a stored article: fetch, extract, then store and mark the item done.

Fetching and extraction run in worker threads; every store write happens in the calling thread,
one transaction per item, so an interruption leaves each item either done or still pending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from policydigest.errors import BlockedAddressError, FetchError, RobotsDisallowedError
from policydigest.ingest.attachments_fetch import with_documents
from policydigest.ingest.fetch import Fetcher, FetchResult
from policydigest.ingest.frames import follow_main_frame
from policydigest.metrics import CRAWL_FETCHES
from policydigest.model import Article, Provenance
from policydigest.settings import Settings
from policydigest.store.sources import ItemStatus, PendingItem, SourceRepository

log = logging.getLogger(__name__)
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml"})


@dataclass
class Fetched:
    """What fetching one link gave: an article, or the reason there is none."""

    url: str
    article: Article | None = None
    result: FetchResult | None = None
    status: ItemStatus = ItemStatus.DONE
    reason: str = ""


@dataclass(frozen=True)
class ItemResult:
    """How one item was settled: its status, and its article or the reason there is none."""

    item: PendingItem
    status: ItemStatus  # PENDING: failed this time, will be tried again
    article_id: int | None = None
    article: Article | None = None
    reason: str = ""


@dataclass
class ItemTally:
    """Outcomes of a batch of items."""

    stored: int = 0
    duplicates: int = 0
    no_body: int = 0
    blocked: int = 0
    failed: int = 0
    retrying: int = 0
    results: list[ItemResult] = field(default_factory=list)

    def add(self, result: ItemResult) -> None:
        """Count one settled item."""
        counter = {
            ItemStatus.DONE: "stored",
            ItemStatus.DUPLICATE: "duplicates",
            ItemStatus.NO_BODY: "no_body",
            ItemStatus.BLOCKED: "blocked",
            ItemStatus.FAILED: "failed",
            ItemStatus.PENDING: "retrying",
        }[result.status]
        setattr(self, counter, getattr(self, counter) + 1)
        self.results.append(result)

    @property
    def errors(self) -> list[str]:
        return [f"{r.item.url}: {r.reason}" for r in self.results if r.reason]

    @property
    def tried(self) -> int:
        return self.stored + self.duplicates + self.no_body + self.failed + self.retrying

    @property
    def bodies(self) -> int:
        return self.stored + self.duplicates


def article_from_page(result: FetchResult, *, title: str | None = None, publisher: str | None = None) -> Article | None:
    """The article on a fetched page, or ``None`` (logged) when it holds none."""
    from policydigest.ingest.extract import extract_page

    if result.content_type not in HTML_TYPES:
        log.info("%s is %s, not an HTML page; skipped", result.final_url, result.content_type)
        return None
    page = extract_page(result.content, url=result.final_url, charset=result.declared_charset)
    if page is None:
        return None
    article = page.to_article(retrieved_at=result.fetched_at)
    if not article.blocks:
        log.info("%s: no body extracted", result.final_url)
        return None
    provenance = [p for p in article.provenance if p.kind != "web"]
    provenance.append(Provenance(kind="web", location=result.final_url, retrieved_at=result.fetched_at))
    return article.model_copy(
        update={
            "title": article.title or (title or ""),
            "url": article.url or result.final_url,
            "source": article.source or publisher,
            "provenance": provenance,
        }
    )


def fetch_article(
    fetcher: Fetcher, url: str, *, title: str | None = None, publisher: str | None = None, read_documents: bool = True
) -> Fetched:
    """Fetch ``url`` and extract its article with its attachments (read unless ``read_documents`` is off, as
    ``fetcher.settings`` say); faults become a status and a reason."""
    try:
        result = fetcher.fetch(url)
    except (BlockedAddressError, RobotsDisallowedError) as exc:
        return Fetched(url, status=ItemStatus.BLOCKED, reason=str(exc))
    except FetchError as exc:
        return Fetched(url, status=ItemStatus.FAILED, reason=str(exc))
    result = follow_main_frame(fetcher, result)
    try:
        article = article_from_page(result, title=title, publisher=publisher)
    except Exception as exc:  # one odd page must not stop the batch; the item is retried later
        log.exception("extraction failed on %s", result.final_url)
        return Fetched(url, result=result, status=ItemStatus.FAILED, reason=f"正文提取失败：{exc!r}")
    if article is None:
        return Fetched(url, result=result, status=ItemStatus.NO_BODY, reason="页面上没有文章正文")
    return Fetched(url, article=with_documents(article, fetcher, read=read_documents), result=result)


def process_items(
    items: Sequence[PendingItem],
    *,
    fetcher: Fetcher,
    repo: SourceRepository,
    settings: Settings,
    publisher: str | None = None,
    read_documents: bool = True,
    stop: threading.Event | None = None,
    advance: Callable[[], None] | None = None,
) -> ItemTally:
    """Fetch pending items in parallel and settle each in the store as it completes."""
    tally = ItemTally()
    if not items:
        return tally
    with ThreadPoolExecutor(max_workers=max(1, settings.fetch_concurrency), thread_name_prefix="fetch") as pool:
        futures: dict[Future[Fetched], PendingItem] = {
            pool.submit(
                fetch_article, fetcher, item.url, title=item.title, publisher=publisher, read_documents=read_documents
            ): item
            for item in items
        }
        try:
            for future in as_completed(futures):
                tally.add(settle_item(futures[future], future.result(), repo, settings))
                if advance is not None:
                    advance()
                if stop is not None and stop.is_set():
                    log.warning("stop requested; the remaining items stay pending for the next run")
                    break
        finally:
            for future in futures:
                future.cancel()
    return tally


def settle_item(item: PendingItem, fetched: Fetched, repo: SourceRepository, settings: Settings) -> ItemResult:
    """Store what fetching ``item`` gave (its article, or the reason there is none), in one transaction."""
    if fetched.article is not None and fetched.result is not None:
        redirects = [{"url": r.url, "location": r.location, "status": r.status} for r in fetched.result.redirects]
        status, article_id = repo.complete(
            item.id, fetched.article, final_url=fetched.result.final_url, redirects=redirects
        )
        CRAWL_FETCHES.labels(outcome=status.value).inc()
        return ItemResult(item, status, article_id, fetched.article)
    status = repo.settle(item.id, fetched.status, fetched.reason, max_attempts=settings.crawl_max_attempts)
    CRAWL_FETCHES.labels(outcome=status.value).inc()
    log.warning("%s: %s (%s)", item.url, fetched.reason, status)
    return ItemResult(item, status, reason=fetched.reason)
