"""What the index holds for an article, and reading that from the store (by id, or all in batches).

Each facet is read as its declaration says (``search.facets.FACETS``): from the store's own columns
(column, source, issues) and, once the enrichment pipeline has run, from ``article.enrichment``:
``facts`` (regions with their province, authorities, document kinds; see FACTS_API) and ``topics``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from policydigest.model import Article
from policydigest.search.facets import FACETS, FacetSource
from policydigest.store import Store
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow


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


def enrichment_facets(enrichment: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Facet values and filter keys found in an article's enrichment, per facet.

    >>> facts = {"regions": [{"text": "贵阳", "name": "贵阳市", "province": "贵州省"}]}
    >>> enrichment_facets({"facts": facts})["region"]
    (('贵阳市', '贵州省'), ('贵阳市', '贵州省', '贵阳', '贵州'))
    """
    source = FacetSource(enrichment=enrichment)
    return {facet.name: facet.collect(source) for facet in FACETS}


def indexed_article(
    article: Article, *, issues: Sequence[int] = (), issue_date: dt.date | None = None
) -> IndexedArticle:
    """The searchable form of a stored article (its id must be set).

    >>> from policydigest.model import Block
    >>> doc = indexed_article(Article(id=7, title="算力", blocks=[Block.paragraph("正文")], column="产业前沿"))
    >>> doc.id, doc.body, doc.facet("column")
    (7, '正文', ('产业前沿',))
    """
    if article.id is None:
        raise ValueError("only stored articles (with an id) can be indexed")
    return _build(
        article.id,
        article.title,
        article.body,
        article.column,
        article.published or issue_date,
        article.source,
        issues,
        article.enrichment,
    )


def _build(
    article_id: int,
    title: str,
    body: str,
    column: str | None,
    date: dt.date | None,
    source: str | None,
    issues: Sequence[int],
    enrichment: Mapping[str, Any],
) -> IndexedArticle:
    facts = FacetSource(column=column, source=source, issues=issues, enrichment=enrichment)
    found = {facet.name: facet.collect(facts) for facet in FACETS}
    return IndexedArticle(
        id=article_id,
        title=title,
        body=body,
        date=date,
        facets={name: values for name, (values, _keys) in found.items() if values},
        keys={name: keys for name, (values, keys) in found.items() if keys != values},
    )


def _body(blocks: Sequence[Any]) -> str:
    # The same text as Article.body, without validating each block into a model.
    parts = []
    for block in blocks:
        if isinstance(block, Mapping):
            if block.get("kind") == "table":
                parts.append("\n".join("\t".join(map(str, row)) for row in block.get("rows") or []))
            else:
                parts.append(str(block.get("text") or ""))
    return "\n".join(parts)


def load_articles(store: Store, ids: Iterable[int]) -> list[IndexedArticle]:
    """The stored articles with these ids (ids no longer stored are left out)."""
    wanted = sorted(set(ids))
    found: list[IndexedArticle] = []
    for start in range(0, len(wanted), 500):
        found.extend(_load(store, wanted[start : start + 500]))
    return found


def iter_store_articles(store: Store, batch: int = 1000) -> Iterator[list[IndexedArticle]]:
    """Every stored article, in batches, by id."""
    last = 0
    while True:
        with store.session() as session:
            ids = list(
                session.scalars(select(ArticleRow.id).where(ArticleRow.id > last).order_by(ArticleRow.id).limit(batch))
            )
        if not ids:
            return
        yield _load(store, ids)
        last = ids[-1]


def _load(store: Store, ids: list[int]) -> list[IndexedArticle]:
    columns = (
        ArticleRow.id,
        ArticleRow.title,
        ArticleRow.column,
        ArticleRow.blocks,
        ArticleRow.source,
        ArticleRow.published,
        ArticleRow.enrichment,
    )
    placed = (
        select(PlacementRow.article_id, IssueRow.total_number, IssueRow.date, PlacementRow.column)
        .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
        .where(PlacementRow.article_id.in_(ids))
    )
    issues: dict[int, list[int]] = defaultdict(list)
    first_date: dict[int, dt.date] = {}
    placed_column: dict[int, str] = {}
    with store.session() as session:
        for article_id, total, date, column in session.execute(placed):
            issues[article_id].append(total)
            if article_id not in first_date or date < first_date[article_id]:
                first_date[article_id] = date
            if column:
                placed_column.setdefault(article_id, column)
        rows = list(session.execute(select(*columns).where(ArticleRow.id.in_(ids)).order_by(ArticleRow.id)))
    return [
        _build(
            row.id,
            row.title,
            _body(row.blocks or []),
            row.column or placed_column.get(row.id),
            row.published or first_date.get(row.id),
            row.source,
            issues.get(row.id, []),
            row.enrichment or {},
        )
        for row in rows
    ]


def count_stored(store: Store) -> int:
    """How many articles the store holds."""
    with store.session() as session:
        return session.scalar(select(func.count(ArticleRow.id))) or 0
