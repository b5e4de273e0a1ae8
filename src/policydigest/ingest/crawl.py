"""Crawling the catalogue: every due source once (`crawl_once`), or on a schedule (`watch`).

A run of one source: fetch its feed or listing (conditionally), record new links as pending together
with the listing's validators, then fetch, extract and store the pending items, and finally
update the source's health counters. The articles a crawl stored are enriched once it is done.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Protocol

from policydigest.errors import FetchError
from policydigest.ingest.catalogue import SourceSpec, load_catalogue
from policydigest.ingest.enrichment import enrich_after_ingest
from policydigest.ingest.fetch import Fetcher, Validators
from policydigest.ingest.items import ItemTally, process_items
from policydigest.ingest.links import canonical_url
from policydigest.ingest.listings import source_links
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.sources import CacheEntry, ItemStatus, NewLink, SourceRepository, now

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Receives progress of a crawl (the CLI shows it as bars)."""

    def source(self, name: str, items: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class SourceRun:
    """What one run of one source did."""

    name: str
    links: int | None = None  # None: listing not modified (304) or not fetched
    new: int = 0
    tally: ItemTally = field(default_factory=ItemTally)
    error: str | None = None


@dataclass
class CrawlReport:
    """What a crawl did, per source."""

    runs: list[SourceRun] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not due yet, or disabled

    @property
    def stored(self) -> int:
        return sum(run.tally.stored for run in self.runs)

    @property
    def duplicates(self) -> int:
        return sum(run.tally.duplicates for run in self.runs)


def is_due(spec: SourceSpec, last_run: dt.datetime | None, at: dt.datetime) -> bool:
    """Whether ``spec`` should run at ``at`` given when it last ran.

    >>> spec = SourceSpec(name="s", kind="feed", url="https://e.org/f", interval_minutes=60)
    >>> t = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    >>> is_due(spec, None, t), is_due(spec, t - dt.timedelta(minutes=30), t)
    (True, False)
    """
    return spec.enabled and (last_run is None or at - last_run >= dt.timedelta(minutes=spec.interval_minutes))


def discover(
    spec: SourceSpec, source_id: int, fetcher: Fetcher, repo: SourceRepository, limit: int
) -> tuple[int | None, int]:
    """Fetch the source's feed or listing and record its new links; (links found, new links)."""
    cached = repo.cached(spec.address)
    validators = Validators(cached.etag, cached.last_modified) if cached else None
    result = fetcher.fetch(spec.address, validators=validators)
    if result.not_modified:
        log.info("%s: not modified since the last run", spec.name)
        return None, 0
    links = source_links(spec, result, fetcher)
    fresh = result.validators
    cache = None
    if fresh.etag or fresh.last_modified:
        cache = CacheEntry(spec.address, fresh.etag, fresh.last_modified, result.final_url)
    new = repo.enqueue(
        source_id,
        [NewLink(link.url, canonical_url(link.url), link.title) for link in links[:limit]],
        cache=cache,
    )
    log.info("%s: %d links, %d new", spec.name, len(links), new)
    return len(links), new


def crawl_source(
    spec: SourceSpec,
    *,
    fetcher: Fetcher,
    repo: SourceRepository,
    settings: Settings,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> SourceRun:
    """Run one source once: discover links, then process its pending items."""
    run = SourceRun(name=spec.name)
    source_id = repo.ensure_source(spec.name, spec.kind, spec.address, spec.interval_minutes)
    limit = spec.max_items or settings.crawl_max_items
    try:
        run.links, run.new = discover(spec, source_id, fetcher, repo, limit)
    except FetchError as exc:
        # Items left pending by an earlier run are still worth fetching.
        run.error = str(exc)
        log.warning("%s: %s", spec.name, exc)
    items = repo.pending(source_id, limit=limit)
    if progress is not None:
        progress.source(spec.name, len(items))
    run.tally = process_items(
        items,
        fetcher=fetcher,
        repo=repo,
        settings=settings,
        publisher=spec.publisher,
        read_documents=spec.attachments == "read",  # "list": this source's attachments are linked, not fetched
        stop=stop,
        advance=progress.advance if progress is not None else None,
    )
    repo.record_run(
        source_id,
        error=run.error,
        links=run.links,
        new_items=run.tally.stored,
        tried=run.tally.tried,
        bodies=run.tally.bodies,
    )
    return run


def crawl_once(
    settings: Settings,
    store: Store,
    *,
    catalogue: Sequence[SourceSpec] | None = None,
    force: bool = False,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Run every due source of the catalogue once (``force``: every enabled source), then enrich what it stored.

    >>> from policydigest.store import open_store
    >>> crawl_once(Settings(), open_store("sqlite://"), catalogue=[]).runs
    []
    """
    specs = list(catalogue) if catalogue is not None else load_catalogue(settings.catalogue_file)
    repo = SourceRepository(store)
    last_runs = repo.last_runs()
    at = now()
    report = CrawlReport()
    own = fetcher is None
    active = fetcher or Fetcher(settings)
    try:
        for spec in specs:
            if stop is not None and stop.is_set():
                break
            if not spec.enabled or not (force or is_due(spec, last_runs.get(spec.name), at)):
                report.skipped.append(spec.name)
                continue
            report.runs.append(
                crawl_source(spec, fetcher=active, repo=repo, settings=settings, stop=stop, progress=progress)
            )
    finally:
        if own:
            active.close()
    stored = [r.article_id for run in report.runs for r in run.tally.results if r.status is ItemStatus.DONE]
    enrich_after_ingest(store, settings, {article_id for article_id in stored if article_id is not None})
    return report


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on Ctrl-C or SIGTERM while inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.warning("received %s; finishing the current item and stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def watch(
    settings: Settings,
    store: Store,
    *,
    catalogue: Sequence[SourceSpec] | None = None,
    stop: threading.Event | None = None,
    on_report: Callable[[CrawlReport], None] | None = None,
    max_rounds: int | None = None,
) -> int:
    """Crawl due sources every ``watch_tick`` seconds until stopped; returns the rounds run."""
    stop = stop or threading.Event()
    specs = list(catalogue) if catalogue is not None else load_catalogue(settings.catalogue_file)
    rounds = 0
    with stop_on_signals(stop):
        while not stop.is_set():
            # A fresh fetcher per round, so robots.txt is read again now and then.
            report = crawl_once(settings, store, catalogue=specs, stop=stop)
            rounds += 1
            if on_report is not None:
                on_report(report)
            if max_rounds is not None and rounds >= max_rounds:
                break
            stop.wait(settings.watch_tick)
    log.info("watch stopped after %d rounds", rounds)
    return rounds
