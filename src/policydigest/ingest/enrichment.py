"""The one place where web ingest hands articles to the enrichment pipeline.

The pipeline is built by the enrichment stage: ``policydigest.enrich.pipeline.build_pipeline(settings)``
returns an object whose ``enrich(article)`` runs the per-article stages (facts, topics, column,
summary). Near-duplicate grouping is corpus-level and runs with `policydigest enrich`. Until the
pipeline is importable (or when it cannot be built from the settings), articles are stored
un-enriched and the reason is logged once; `policydigest enrich` catches them up later.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from policydigest.errors import PolicydigestError
from policydigest.model import Article
from policydigest.settings import Settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pipelines: dict[str, Any] = {}


def _pipeline(settings: Settings) -> Any:
    key = settings.model_dump_json()
    with _lock:  # built once per settings: loading dictionaries and models is not cheap
        if key in _pipelines:
            return _pipelines[key]
        try:
            module = importlib.import_module("policydigest.enrich.pipeline")
        except ImportError as exc:
            log.warning("enrichment skipped: policydigest.enrich.pipeline is not available (%s)", exc)
            module = None
        build = getattr(module, "build_pipeline", None)
        if module is not None and not callable(build):
            log.warning("enrichment skipped: policydigest.enrich.pipeline has no build_pipeline(settings)")
        pipeline = None
        if callable(build):
            try:
                pipeline = build(settings)
            except PolicydigestError as exc:
                # Articles are still worth storing; `policydigest enrich` can enrich them once this is fixed.
                log.error("enrichment skipped: the pipeline cannot be built: %s", exc)
        _pipelines[key] = pipeline
        return pipeline


def reset() -> None:
    """Forget the pipelines built so far (after settings or the enrichment code changed)."""
    with _lock:
        _pipelines.clear()


def enrich(article: Article, settings: Settings) -> Article:
    """``article`` enriched by the pipeline, or unchanged when there is no pipeline (logged).

    >>> enrich(Article(title="示例"), Settings()).title
    '示例'
    """
    pipeline = _pipeline(settings)
    if pipeline is None:
        return article
    enriched = pipeline.enrich(article)
    return enriched if isinstance(enriched, Article) else article
