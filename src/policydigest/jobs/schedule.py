"""Which sources are due, queued as crawl jobs (``policydigest crawl --enqueue``; run it from cron or a timer)."""

from __future__ import annotations

from pathlib import Path

from policydigest.ingest.catalogue import load_catalogue
from policydigest.ingest.crawl import is_due
from policydigest.jobs.queue import JobQueue
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.sources import SourceRepository, now


def enqueue_due_sources(
    settings: Settings, store: Store, queue: JobQueue, *, catalogue: Path | None = None, force: bool = False
) -> list[str]:
    """Queue one crawl job per due source (every enabled one with ``force``); the names queued.

    A source whose crawl job still waits is not queued twice (a queueing lock per source).
    """
    specs = load_catalogue(catalogue or settings.catalogue_file)
    last_runs = SourceRepository(store).last_runs()
    at = now()
    queued = []
    for spec in specs:
        if not spec.enabled or not (force or is_due(spec, last_runs.get(spec.name), at)):
            continue
        if queue.defer("crawl_source", lock=f"source:{spec.name}", name=spec.name) is not None:
            queued.append(spec.name)
    return queued
