"""The search tests' fictional articles (tests/fixtures/search/articles.json) as indexable documents."""

from __future__ import annotations

import datetime as dt
import json

from policydigest.search import IndexedArticle, SearchIndex
from policydigest.search.documents import _build
from tests.conftest import FIXTURES

ARTICLES_FILE = FIXTURES / "search" / "articles.json"


def fixture_articles() -> list[IndexedArticle]:
    """Every fixture article, with its enrichment turned into facets as the store loader does."""
    raw = json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))
    return [
        _build(
            item["id"],
            item["title"],
            item["body"],
            item["column"],
            dt.date.fromisoformat(item["date"]),
            item["source"],
            item["issues"],
            item.get("enrichment", {}),
        )
        for item in raw
    ]


def fixture_index() -> SearchIndex:
    """An in-memory index of the fixture articles."""
    index = SearchIndex.in_memory()
    index.add(fixture_articles())
    return index
