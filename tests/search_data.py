"""The search tests' fictional articles (tests/fixtures/search/articles.json) as indexable documents."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from policydigest.model import Article, Block
from policydigest.search import IndexedArticle, SearchIndex
from policydigest.search.documents import indexed_article
from policydigest.store.articles import IssuePlacement, StoredArticle
from tests.conftest import FIXTURES

ARTICLES_FILE = FIXTURES / "search" / "articles.json"


def fixture_articles() -> list[IndexedArticle]:
    """Every fixture article, with its enrichment turned into facets as the store loader does."""
    raw = json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))
    return [indexed_article(_stored(item)) for item in raw]


def _stored(item: dict[str, Any]) -> StoredArticle:
    date = dt.date.fromisoformat(item["date"])
    article = Article(
        id=item["id"],
        title=item["title"],
        blocks=[Block.paragraph(item["body"])],
        column=item["column"],
        source=item["source"],
        published=date,
        enrichment=item.get("enrichment", {}),
    )
    return StoredArticle(article, tuple(IssuePlacement("示例", n, n, date, item["column"]) for n in item["issues"]))


def fixture_index() -> SearchIndex:
    """An in-memory index of the fixture articles."""
    index = SearchIndex.in_memory()
    index.add(fixture_articles())
    return index
