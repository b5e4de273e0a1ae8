"""The one place where web ingest hands articles to the enrichment pipeline.

The pipeline is built by the enrichment stage (``policydigest.enrich.pipeline``); until it is
importable, articles are stored un-enriched and the reason is logged once.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache
from typing import Any

from policydigest.model import Article
from policydigest.settings import Settings

log = logging.getLogger(__name__)


@cache
def _runner() -> Any:
    try:
        pipeline = importlib.import_module("policydigest.enrich.pipeline")
    except ImportError as exc:
        log.warning("enrichment skipped: policydigest.enrich.pipeline is not available (%s)", exc)
        return None
    runner = getattr(pipeline, "enrich_article", None)
    if not callable(runner):
        log.warning("enrichment skipped: policydigest.enrich.pipeline has no enrich_article(article, settings)")
        return None
    return runner


def enrich(article: Article, settings: Settings) -> Article:
    """``article`` enriched by the pipeline, or unchanged when there is no pipeline (logged).

    >>> from policydigest.model import Article
    >>> enrich(Article(title="示例"), Settings()).title
    '示例'
    """
    runner = _runner()
    if runner is None:
        return article
    enriched = runner(article, settings)
    return enriched if isinstance(enriched, Article) else article
