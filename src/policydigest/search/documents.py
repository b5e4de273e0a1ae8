"""What the index holds for an article, and reading that from the store (by id, or all in batches).

Articles come from the store's one read path (``policydigest.store.articles``: effective column,
date, issues). Facets come from those and, once the enrichment pipeline has run, from
``article.enrichment``: ``facts`` (regions with their province, authorities, document kinds; see
FACTS_API) and ``topics``. A region counts for its province as well, so a filter
on 贵州 finds articles about 贵阳.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from policydigest.enrichment import Enrichment, Facts
from policydigest.store import Store
from policydigest.store.articles import StoredArticle

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


def _strings(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


def enrichment_facets(enrichment: Enrichment) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Facet values and filter keys found in an article's enrichment, per facet.

    >>> from policydigest.enrichment import Facts, RegionFact
    >>> city = RegionFact(text="贵阳", start=0, end=2, name="贵阳市", level="prefecture", province="贵州省", code=None)
    >>> enrichment_facets(Enrichment(facts=Facts(regions=[city])))["region"]
    (('贵阳市', '贵州省'), ('贵阳市', '贵州省', '贵阳', '贵州'))
    """
    facts = enrichment.facts or Facts()
    regions = facts.regions
    region_values = _strings([r.name for r in regions] + [r.province for r in regions])
    region_keys = _strings(
        [*region_values, *(region_short_name(v) for v in region_values), *(r.text for r in regions)]
    )
    authority_values = _strings(a.name for a in facts.authorities)
    authority_keys = _strings([*authority_values, *(a.text for a in facts.authorities)])
    kinds = _strings(d.kind for d in facts.documents)
    topics = enrichment.topic_labels
    topic_values = _strings(t.label for t in topics)
    topic_keys = _strings([*topic_values, *(t.id for t in topics)])
    return {
        "region": (region_values, region_keys),
        "authority": (authority_values, authority_keys),
        "kind": (kinds, kinds),
        "topic": (topic_values, topic_keys),
    }


def indexed_article(stored: StoredArticle) -> IndexedArticle:
    """The searchable form of a stored article: its effective column and date, the issues that carried it.

    >>> from policydigest.model import Article, Block
    >>> article = Article(id=7, title="算力", blocks=[Block.paragraph("正文")], column="产业前沿")
    >>> doc = indexed_article(StoredArticle(article))
    >>> doc.id, doc.body, doc.column
    (7, '正文', '产业前沿')
    """
    article = stored.article
    facets = enrichment_facets(article.enrichment)
    return IndexedArticle(
        id=stored.id,
        title=article.title,
        body=article.body,
        column=stored.column,
        date=stored.date,
        source=article.source,
        issues=stored.issues,
        regions=facets["region"][0],
        authorities=facets["authority"][0],
        kinds=facets["kind"][0],
        topics=facets["topic"][0],
        keys={name: keys for name, (_values, keys) in facets.items()},
    )


def load_articles(store: Store, ids: Iterable[int]) -> list[IndexedArticle]:
    """The stored articles with these ids (ids no longer stored are left out)."""
    return [indexed_article(stored) for stored in store.stored_articles(ids)]


def iter_store_articles(store: Store, batch: int = 1000) -> Iterator[list[IndexedArticle]]:
    """Every stored article, in batches, by id."""
    for stored in store.iter_stored_articles(batch):
        yield [indexed_article(s) for s in stored]
