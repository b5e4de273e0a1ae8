"""What the index holds for an article, and reading that from the store (by id, or all in batches).

Articles come from the store's one read path (``policydigest.store.articles``: effective column,
date, issues). Each facet is read as its declaration says (``search.facets.FACETS``): from those and,
once the enrichment pipeline has run, from the typed ``article.enrichment`` (facts and topics).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from policydigest.enrichment import Enrichment
from policydigest.search.facets import FACETS, FacetSource
from policydigest.store import Store
from policydigest.store.articles import StoredArticle


@dataclass(frozen=True)
class IndexedArticle:
    """The searchable form of an article: its text and the values it is filtered and counted by.

    >>> IndexedArticle(id=1, title="算力", body="", facets={"column": ("数谷动态",)}).facet("column")
    ('数谷动态',)
    """

    id: int
    title: str
    body: str
    date: dt.date | None = None
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet name → values (counted)
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet name → filter keys, when not the values

    def facet(self, name: str) -> tuple[str, ...]:
        """The values of one facet."""
        return self.facets.get(name, ())

    def filter_keys(self, name: str) -> tuple[str, ...]:
        """The filter keys of one facet (its values unless other forms are given)."""
        return self.keys.get(name) or self.facet(name)


def enrichment_facets(enrichment: Enrichment) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Facet values and filter keys found in an article's enrichment, per facet.

    >>> from policydigest.enrichment import Facts, RegionFact
    >>> city = RegionFact(text="贵阳", start=0, end=2, name="贵阳市", level="prefecture", province="贵州省", code=None)
    >>> enrichment_facets(Enrichment(facts=Facts(regions=[city])))["region"]
    (('贵阳市', '贵州省'), ('贵阳市', '贵州省', '贵阳', '贵州'))
    """
    source = FacetSource(enrichment=enrichment)
    return {facet.name: facet.collect(source) for facet in FACETS}


def indexed_article(stored: StoredArticle) -> IndexedArticle:
    """The searchable form of a stored article: its text (body, then the attachments read), its effective
    column and date, the issues that carried it.

    >>> from policydigest.model import Article, Block
    >>> article = Article(id=7, title="算力", blocks=[Block.paragraph("正文")], column="产业前沿")
    >>> doc = indexed_article(StoredArticle(article))
    >>> doc.id, doc.body, doc.facet("column")
    (7, '正文', ('产业前沿',))
    """
    article = stored.article
    source = FacetSource(
        column=stored.column, source=article.source, issues=stored.issues, enrichment=article.enrichment
    )
    found = {facet.name: facet.collect(source) for facet in FACETS}
    return IndexedArticle(
        id=stored.id,
        title=article.title,
        body=article.full_text,
        date=stored.date,
        facets={name: values for name, (values, _keys) in found.items() if values},
        keys={name: keys for name, (values, keys) in found.items() if keys != values},
    )


def load_articles(store: Store, ids: Iterable[int]) -> list[IndexedArticle]:
    """The stored articles with these ids (ids no longer stored are left out)."""
    return [indexed_article(stored) for stored in store.stored_articles(ids)]


def iter_store_articles(
    store: Store, batch: int = 1000, *, key: Callable[[int, dt.date | None], Any] | None = None
) -> Iterator[list[IndexedArticle]]:
    """Every stored article, in batches: by id, or by ``key(id, date)`` (a whole-index build's order,
    ``schema.build_order``)."""
    if key is None:
        for stored in store.iter_stored_articles(batch):
            yield [indexed_article(s) for s in stored]
        return
    order = [article_id for article_id, _day in sorted(store.article_dates(), key=lambda pair: key(*pair))]
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        loaded = {stored.id: stored for stored in store.stored_articles(chunk)}
        yield [indexed_article(loaded[i]) for i in chunk if i in loaded]  # deleted meanwhile: left out
