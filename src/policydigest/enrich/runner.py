"""Enriching the store: every article (or one issue's), resumably, then near-duplicates store-wide.

Results are written every ``batch`` articles, so an interrupted run loses at most one batch and
the next run skips every article whose stages are already current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass

from policydigest.enrich.pipeline import Pipeline
from policydigest.enrichment import Enrichment
from policydigest.store import Store

log = logging.getLogger(__name__)


@dataclass
class EnrichReport:
    """What a run did."""

    considered: int = 0
    enriched: int = 0
    up_to_date: int = 0
    with_errors: int = 0
    duplicate_groups: int = 0
    duplicates_updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def enrich_store(
    store: Store,
    pipeline: Pipeline,
    *,
    issue: int | None = None,
    ids: Collection[int] | None = None,
    force: bool = False,
    batch: int = 200,
    on_article: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> EnrichReport:
    """Run ``pipeline`` over the stored articles (of ``issue``, or with ``ids``, when given) and store the results.

    >>> from policydigest.enrich.pipeline import build_pipeline
    >>> from policydigest.settings import Settings
    >>> from policydigest.store import open_store
    >>> enrich_store(open_store("sqlite://"), build_pipeline(Settings(), ["topics"])).considered
    0
    """
    report = EnrichReport()
    items = store.articles_for_enrichment(issue, ids=ids)
    report.considered = len(items)
    if on_total:
        on_total(len(items))
    pending: dict[int, Enrichment] = {}
    for article, _date in items:
        if pipeline.stages and (force or not pipeline.is_current(article)):
            enriched = pipeline.enrich(article, force=force)
            report.enriched += 1
            if enriched.enrichment.errors:
                report.with_errors += 1
            if article.id is not None:
                pending[article.id] = enriched.enrichment
            if len(pending) >= batch:
                store.update_enrichment(pending)
                pending.clear()
        else:
            report.up_to_date += 1
        if on_article:
            on_article()
    if pending:
        store.update_enrichment(pending)
    if pipeline.duplicates is not None:
        _group_duplicates(store, pipeline, report, batch)
    log.info("enrichment: %s", report.as_dict())
    return report


def _group_duplicates(store: Store, pipeline: Pipeline, report: EnrichReport, batch: int) -> None:
    # Groups cross issues and sources, so the whole store is compared, whatever was selected.
    stage = pipeline.duplicates
    assert stage is not None
    everything = [(a.id, a, d) for a, d in store.articles_for_enrichment() if a.id is not None]
    results = stage.group(everything)
    groups = {result.group for result in results.values() if result.group is not None}
    report.duplicate_groups = len(groups)
    pending: dict[int, Enrichment] = {}
    for article_id, article, _date in everything:
        result = results[article_id]
        current = article.enrichment.versions.get(stage.name) == stage.version
        if current and article.enrichment.duplicates == result:
            continue
        pending[article_id] = stage.apply(article, result).enrichment
        report.duplicates_updated += 1
        if len(pending) >= batch:
            store.update_enrichment(pending)
            pending.clear()
    if pending:
        store.update_enrichment(pending)
