"""What one run of a source would fetch and extract, without storing anything (`policydigest sources test`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from policydigest.errors import FetchError
from policydigest.ingest.catalogue import SourceSpec
from policydigest.ingest.fetch import Fetcher
from policydigest.ingest.items import fetch_article
from policydigest.ingest.listings import page_urls, source_links
from policydigest.model import AttachedDocument


@dataclass(frozen=True)
class TrialItem:
    """One link of the listing as a run would read it: its article's essentials, or why there is none."""

    url: str
    title: str = ""
    published: str | None = None
    body_chars: int = 0
    documents: list[AttachedDocument] = field(default_factory=list)
    reason: str = ""


@dataclass
class SourceTrial:
    """The listing pages a run would fetch, the links found, and the first items read."""

    name: str
    pages: list[str]
    links: int = 0
    items: list[TrialItem] = field(default_factory=list)
    error: str | None = None


def try_source(spec: SourceSpec, *, fetcher: Fetcher, items: int = 3) -> SourceTrial:
    """Fetch ``spec``'s listing (all its pages) and read its first ``items`` articles; nothing is stored."""
    trial = SourceTrial(spec.name, [spec.address, *page_urls(spec)])
    try:
        links = source_links(spec, fetcher.fetch(spec.address), fetcher)
    except FetchError as exc:
        trial.error = str(exc)
        return trial
    trial.links = len(links)
    for link in links[:items]:
        fetched = fetch_article(
            fetcher, link.url, title=link.title, publisher=spec.publisher, read_documents=spec.attachments == "read"
        )
        article = fetched.article
        if article is None:
            trial.items.append(TrialItem(link.url, link.title, reason=fetched.reason))
            continue
        trial.items.append(
            TrialItem(
                link.url,
                article.title,
                article.published.isoformat() if article.published else None,
                len(article.body),
                article.documents,
            )
        )
    return trial
