"""What the index holds for an article, and reading that from the store (by id, or all in batches).

Facets come from the store's own columns (column, source, issue, date) and, once the enrichment
pipeline has run, from ``article.enrichment``: ``facts`` (regions with their province, authorities,
document kinds; see FACTS_API) and ``topics``. A region counts for its province as well, so a filter
on 贵州 finds articles about 贵阳.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from policydigest.model import Article
from policydigest.store import Store
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow

_REGION_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "新区",
    "省",
    "市",
    "区",
    "县",
)


def region_short_name(name: str) -> str:
    """A region's name without its administrative suffix, as readers type it.

    >>> region_short_name("贵州省"), region_short_name("广西壮族自治区"), region_short_name("美国")
    ('贵州', '广西', '美国')
    """
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class IndexedArticle:
    """The searchable form of an article: its text and the values it is filtered and counted by."""

    id: int
    title: str
    body: str
    column: str | None = None
    date: dt.date | None = None
    source: str | None = None
    issues: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()  # full names, with the province of each city (facet values)
    authorities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # labels
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # filter keys per facet: aliases too


def _strings(values: Iterable[Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


def enrichment_facets(enrichment: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Facet values and filter keys found in an article's enrichment, per facet.

    >>> facts = {"regions": [{"text": "贵阳", "name": "贵阳市", "province": "贵州省"}]}
    >>> enrichment_facets({"facts": facts})["region"]
    (('贵阳市', '贵州省'), ('贵阳市', '贵州省', '贵阳', '贵州'))
    """
    facts = enrichment.get("facts") if isinstance(enrichment.get("facts"), Mapping) else {}
    assert isinstance(facts, Mapping)

    def items(name: str) -> list[Mapping[str, Any]]:
        found = facts.get(name)
        return [item for item in found if isinstance(item, Mapping)] if isinstance(found, list) else []

    regions = items("regions")
    region_values = _strings([r.get("name") for r in regions] + [r.get("province") for r in regions])
    region_keys = _strings(
        [*region_values, *(region_short_name(v) for v in region_values), *(r.get("text") for r in regions)]
    )
    authorities = items("authorities")
    authority_values = _strings(a.get("name") for a in authorities)
    authority_keys = _strings([*authority_values, *(a.get("text") for a in authorities)])
    kinds = _strings(d.get("kind") for d in items("documents"))
    raw_topics = enrichment.get("topics")
    if isinstance(raw_topics, Mapping):  # the pipeline stores {"labels": [...]}
        raw_topics = raw_topics.get("labels")
    topics = [t for t in raw_topics if isinstance(t, Mapping)] if isinstance(raw_topics, list) else []
    topic_values = _strings(t.get("label") for t in topics)
    topic_keys = _strings([*topic_values, *(t.get("id") for t in topics)])
    return {
        "region": (region_values, region_keys),
        "authority": (authority_values, authority_keys),
        "kind": (kinds, kinds),
        "topic": (topic_values, topic_keys),
    }


def _enriched_column(enrichment: Mapping[str, Any]) -> str | None:
    found = enrichment.get("column")
    value = found.get("column") if isinstance(found, Mapping) else None
    return value if isinstance(value, str) and value else None


def indexed_article(
    article: Article, *, issues: Sequence[int] = (), issue_date: dt.date | None = None
) -> IndexedArticle:
    """The searchable form of a stored article (its id must be set).

    >>> from policydigest.model import Block
    >>> doc = indexed_article(Article(id=7, title="算力", blocks=[Block.paragraph("正文")], column="产业前沿"))
    >>> doc.id, doc.body, doc.column
    (7, '正文', '产业前沿')
    """
    if article.id is None:
        raise ValueError("only stored articles (with an id) can be indexed")
    return _build(
        article.id,
        article.title,
        article.full_text,
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
    facets = enrichment_facets(enrichment)
    return IndexedArticle(
        id=article_id,
        title=title,
        body=body,
        column=column or _enriched_column(enrichment),
        date=date,
        source=source,
        issues=tuple(sorted(set(issues))),
        regions=facets["region"][0],
        authorities=facets["authority"][0],
        kinds=facets["kind"][0],
        topics=facets["topic"][0],
        keys={name: keys for name, (_values, keys) in facets.items()},
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


def _full_text(blocks: Sequence[Any], documents: Sequence[Any]) -> str:
    # The same text as Article.full_text: the body, then each attachment that was read.
    read = [_body(doc.get("blocks") or []) for doc in documents if isinstance(doc, Mapping) and doc.get("blocks")]
    return "\n".join([_body(blocks), *read])


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
        ArticleRow.documents,
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
            _full_text(row.blocks or [], row.documents or []),
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
