"""`policydigest add`: single web pages (URLs) or saved pages (files) into the store, enriched.

A URL goes through the same crash-safe item path as a crawl (seen item → article in one
transaction); a file is decoded, extracted and stored with ``file`` provenance. One bad input never
stops the others: each gets an outcome with a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from policydigest.errors import BadInputError, os_reason
from policydigest.ingest.enrichment import enrich_after_ingest
from policydigest.ingest.fetch import Fetcher
from policydigest.ingest.items import process_items
from policydigest.ingest.links import canonical_url
from policydigest.model import Article, Provenance
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.sources import ItemStatus, NewLink, SourceRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddOutcome:
    """What became of one input."""

    input: str
    status: str  # stored, duplicate, already stored, no body, blocked, failed
    article_id: int | None = None
    article: Article | None = None
    reason: str = ""


def is_url(value: str) -> bool:
    """Whether an input names a web address rather than a file.

    >>> is_url("https://www.gov.cn/a.htm"), is_url("page.html")
    (True, False)
    """
    return value.lower().startswith(("http://", "https://"))


def add_file(path: Path, settings: Settings, store: Store) -> AddOutcome:
    """Extract and store the article of a saved page."""
    from policydigest.ingest.extract import extract_page

    try:
        data = path.read_bytes()
    except OSError as exc:
        return AddOutcome(str(path), "failed", reason=f"无法读取 {path}：{os_reason(exc)}")
    try:
        page = extract_page(data, url=None)
    except BadInputError as exc:
        return AddOutcome(str(path), "failed", reason=exc.reason)
    article = page.to_article() if page is not None else None
    if article is None or not article.blocks:
        return AddOutcome(str(path), "no body", reason="文件中没有找到文章正文")
    # Read from disk, not from the web: the page's own address stays as the article's link only.
    provenance = [Provenance(kind="file", location=str(path.resolve()), retrieved_at=dt.datetime.now(dt.UTC))]
    article = article.model_copy(update={"provenance": provenance})
    before = store.count_articles()
    with store.session() as session, session.begin():
        row = store.upsert_article(session, article)
        session.flush()
        article_id = row.id
    status = "stored" if store.count_articles() > before else "duplicate"
    return AddOutcome(str(path), status, article_id, article)


def add_urls(
    urls: Sequence[str], settings: Settings, store: Store, *, advance: Callable[[], None] | None = None
) -> list[AddOutcome]:
    """Fetch, extract and store each URL; a URL already stored is not fetched again."""
    repo = SourceRepository(store)
    outcomes: dict[str, AddOutcome] = {}
    wanted: dict[str, str] = {}
    for url in urls:
        key = canonical_url(url)
        seen = repo.item_for(key)
        if seen is not None and seen[1] in (ItemStatus.DONE, ItemStatus.DUPLICATE):
            outcomes[url] = AddOutcome(url, "already stored", seen[2], reason=f"此前已存为文章 #{seen[2]}")
            if advance is not None:
                advance()
            continue
        if seen is None:
            repo.enqueue(None, [NewLink(url, key)])
        elif seen[1] is not ItemStatus.PENDING:
            repo.requeue(key)  # asked for explicitly: try again what a crawl gave up on
        wanted[key] = url
    pending = [item for item in repo.pending(None) if canonical_url(item.url) in wanted]
    with Fetcher(settings) as fetcher:
        tally = process_items(pending, fetcher=fetcher, repo=repo, settings=settings, advance=advance)
    labels = {ItemStatus.DONE: "stored", ItemStatus.NO_BODY: "no body", ItemStatus.PENDING: "failed"}
    for result in tally.results:
        url = wanted[canonical_url(result.item.url)]
        label = labels.get(result.status, result.status.value)
        outcomes[url] = AddOutcome(url, label, result.article_id, result.article, result.reason)
    return [outcomes.get(url, AddOutcome(url, "failed", reason="未处理")) for url in urls]


def add_inputs(
    inputs: Sequence[str], settings: Settings, store: Store, *, advance: Callable[[], None] | None = None
) -> list[AddOutcome]:
    """Add URLs and files in the order given, then enrich the articles stored.

    >>> from policydigest.store import open_store
    >>> add_inputs(["missing.html"], Settings(), open_store("sqlite://"))[0].status
    'failed'
    """
    urls = [value for value in inputs if is_url(value)]
    results = {outcome.input: outcome for outcome in add_urls(urls, settings, store, advance=advance)} if urls else {}
    outcomes = []
    for value in inputs:
        if is_url(value):
            outcomes.append(results[value])
            continue
        outcome = add_file(Path(value), settings, store)
        outcomes.append(outcome)
        if advance is not None:
            advance()
    return _enriched(outcomes, settings, store)


def _enriched(outcomes: list[AddOutcome], settings: Settings, store: Store) -> list[AddOutcome]:
    # Each outcome shows its article as stored, with what enrichment found in it.
    ids = {o.article_id for o in outcomes if o.status == "stored" and o.article_id is not None}
    if enrich_after_ingest(store, settings, ids) is None or not ids:
        return outcomes
    found = {article.id: article.enrichment for article, _date in store.articles_for_enrichment(ids=ids)}
    return [
        replace(o, article=o.article.model_copy(update={"enrichment": found[o.article_id]}))
        if o.article is not None and o.article_id in found
        else o
        for o in outcomes
    ]
