"""Enrichment after ingest: the one hand-over from every ingest path to the enrichment stage.

Bulletin import, ``add`` and crawls all call :func:`enrich_after_ingest` once their articles are
stored. The setting ``enrich_on_import`` switches it; when it is off, or the pipeline cannot be
built from the settings, the articles stay as stored, the reason is logged, and ``policydigest
enrich`` catches them up later. Near-duplicate groups are corpus-level, so they are brought up to
date store-wide after the new articles are enriched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection

from policydigest.enrich.pipeline import Pipeline, build_pipeline
from policydigest.enrich.runner import EnrichReport, enrich_store
from policydigest.errors import PolicydigestError
from policydigest.settings import Settings
from policydigest.store import Store

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pipelines: dict[str, Pipeline] = {}


def _pipeline(settings: Settings) -> Pipeline:
    key = settings.model_dump_json()
    with _lock:  # built once per settings: loading dictionaries and models is not cheap
        if key not in _pipelines:
            _pipelines[key] = build_pipeline(settings)
        return _pipelines[key]


def reset() -> None:
    """Forget the pipelines built so far (after settings or the enrichment code changed)."""
    with _lock:
        _pipelines.clear()


def enrich_after_ingest(
    store: Store,
    settings: Settings,
    article_ids: Collection[int] | None = None,
    *,
    on_total: Callable[[int], None] | None = None,
    on_article: Callable[[], None] | None = None,
) -> EnrichReport | None:
    """Enrich the articles just stored (``article_ids``; None: every article not yet enriched).

    Returns what was done, or None when enrichment after ingest is off or cannot run (logged).

    >>> from policydigest.store import open_store
    >>> enrich_after_ingest(open_store("sqlite://"), Settings(enrich_on_import=False), [1]) is None
    True
    >>> enrich_after_ingest(open_store("sqlite://"), Settings(enrich_stages=["topics"]), []).considered
    0
    """
    if not settings.enrich_on_import:
        log.info("enrichment after ingest is off (setting enrich_on_import); `policydigest enrich` catches up")
        return None
    if article_ids is not None and not article_ids:
        return EnrichReport()
    try:
        pipeline = _pipeline(settings)
    except PolicydigestError as exc:
        # The articles are stored and worth keeping; `policydigest enrich` can enrich them once this is fixed.
        log.error("enrichment after ingest skipped: the pipeline cannot be built: %s", exc)
        return None
    return enrich_store(store, pipeline, ids=article_ids, on_total=on_total, on_article=on_article)
