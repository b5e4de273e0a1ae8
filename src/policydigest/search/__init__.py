"""Search stage: exact, Chinese-aware full-text search with filters, facets, snippets and "more like this".

For the web app and the API: ``attach_search_index(store, settings)`` keeps the index in step with
the store and returns an ``IndexSync`` whose ``.index`` is the ``SearchIndex``; call
``index.search(Query(...))`` (a ``SearchResult``: ``total``, ``hits`` with id, title, column, date,
score, HTML-safe ``snippet``/``title_html``, and ``facets``) and ``index.more_like_this(article_id)``.
``Query``, ``SearchHit`` and ``SearchResult`` are pydantic models, ready for FastAPI. The facets
(filters and counts) are declared once, in ``FACETS`` (``search/facets.py``).

>>> from policydigest.search import IndexedArticle, Query, SearchIndex
>>> index = SearchIndex.in_memory()
>>> index.add([IndexedArticle(id=1, title="大模型产业", body="推动大模型发展。"),
...            IndexedArticle(id=2, title="大力发展", body="模型训练。")])
>>> [hit.id for hit in index.search(Query(text="大模型")).hits]
[1]
"""

from __future__ import annotations

from policydigest.search.documents import IndexedArticle, indexed_article, iter_store_articles, load_articles
from policydigest.search.facets import FACET_NAMES, FACETS, FacetCount
from policydigest.search.index import SearchIndex
from policydigest.search.query import ParsedQuery, Query, SortOrder, Term, parse_query, to_simplified
from policydigest.search.results import SearchHit, SearchResult
from policydigest.search.sync import (
    IndexSync,
    attach_search_index,
    default_index_path,
    index_folder,
    rebuild_index,
)

__all__ = [
    "FACETS",
    "FACET_NAMES",
    "FacetCount",
    "IndexSync",
    "IndexedArticle",
    "ParsedQuery",
    "Query",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "SortOrder",
    "Term",
    "attach_search_index",
    "default_index_path",
    "index_folder",
    "indexed_article",
    "iter_store_articles",
    "load_articles",
    "parse_query",
    "rebuild_index",
    "to_simplified",
]
