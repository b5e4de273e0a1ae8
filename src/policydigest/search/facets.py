"""Facets, declared once in ``FACETS``: what each is called, how it is read from an article, filtered,
counted, shown and browsed.

Everything else is generated from the declaration: the query's filters (``Query(regions=[…])``), the
index schema's fields and the documents' values, the web's URL parameters and API parameters, the
``search`` command's options and the browse pages (``/regions/贵州``).

Each facet has a field of display values (counted, one fast column) and, when readers type other
forms too, a field of filter keys (the values plus short names and surface forms: 贵州 for 贵州省,
工信部 as written). A filter lists values; an article passes when it has any of them. Facet counts
are over the hits of the whole query, filters included. A hierarchical facet counts an article for
the broader value too (an article about 贵阳 is an article of 贵州).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import tantivy
from pydantic import BaseModel, ConfigDict

from policydigest.enrichment import Enrichment, Facts

if TYPE_CHECKING:
    from policydigest.search.query import Query


@dataclass(frozen=True)
class FacetSource:
    """What an article's facets are read from: its own stored fields and its enrichment."""

    column: str | None = None
    source: str | None = None
    issues: Sequence[int] = ()
    enrichment: Enrichment = field(default_factory=Enrichment)


@dataclass(frozen=True)
class Tag:
    """One value of a facet an article has, the other forms readers type for it, and the value holding it."""

    value: str
    aliases: tuple[str | None, ...] = ()
    within: Tag | None = None


Reader = Callable[[FacetSource], list[Tag]]


@dataclass(frozen=True)
class Facet:
    """One facet. ``name`` is also its URL and API parameter, its ``--option`` and its index field."""

    name: str
    label: str  # shown on pages
    query_key: str  # its keyword in Query: Query(regions=["贵州"])
    read: Reader
    help: str  # describes the filter in the API and the command line
    hierarchical: bool = False  # a value counts for the value holding it too (贵阳市 → 贵州省)
    aliases: bool = False  # filtered by other forms too (a second index field, ``<name>_key``)
    numeric: bool = False  # an integer field (values are digits)
    stored: bool = False  # returned with each hit
    route: str | None = None  # browse pages: /<route> lists the values, /<route>/<value> the articles
    nav_label: str = ""  # the browse link's text, when shorter than the label
    shown_as: str = "{}"  # how a value is written on pages
    followed: bool = False  # subscribers can follow its values (alerts by e-mail)

    @property
    def param(self) -> str:
        """The URL and API parameter (and command-line option) of the filter."""
        return self.name

    @property
    def keys_field(self) -> str:
        """The index field filters read."""
        return f"{self.name}_key" if self.aliases else self.name

    def show(self, value: str) -> str:
        """A value as pages write it.

        >>> FACET_BY_NAME["issue"].show("57")
        '总第57期'
        """
        return self.shown_as.format(value)

    def collect(self, source: FacetSource) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The facet values of an article and its filter keys (the values first, then the other forms).

        >>> from policydigest.enrichment import RegionFact
        >>> city = RegionFact(
        ...     text="贵阳", start=0, end=2, name="贵阳市", level="prefecture", province="贵州省", code=None
        ... )
        >>> FACET_BY_NAME["region"].collect(FacetSource(enrichment=Enrichment(facts=Facts(regions=[city]))))
        (('贵阳市', '贵州省'), ('贵阳市', '贵州省', '贵阳', '贵州'))
        """
        tags: list[Tag] = []
        for tag in self.read(source):
            found: Tag | None = tag
            while found is not None:
                tags.append(found)
                found = found.within if self.hierarchical else None
        values = _strings(t.value for t in tags)
        if not self.aliases:
            return values, values
        return values, _strings([*values, *(alias for t in tags for alias in t.aliases)])


def _strings(values: Iterable[object]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


# ---- reading each facet from an article (one small function per facet) -------------------------

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


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _facts(source: FacetSource) -> Facts:
    return source.enrichment.facts or Facts()


def read_column(source: FacetSource) -> list[Tag]:
    """The article's effective column (its own, its first issue's, else the one the column stage chose)."""
    column = _text(source.column) or _text(source.enrichment.column_name)
    return [Tag(column)] if column else []


def read_region(source: FacetSource) -> list[Tag]:
    """The regions of the facts, each within its province."""
    tags = []
    for region in _facts(source).regions:
        name, province = _text(region.name), _text(region.province)
        within = Tag(province, (region_short_name(province),)) if province else None
        if name:
            tags.append(Tag(name, (region_short_name(name), _text(region.text)), within))
        elif within:
            tags.append(within)
    return tags


def read_authority(source: FacetSource) -> list[Tag]:
    """The issuing authorities of the facts, by full name; as written is a filter key."""
    return [Tag(name, (_text(a.text),)) for a in _facts(source).authorities if (name := _text(a.name))]


def read_kind(source: FacetSource) -> list[Tag]:
    """The kinds of the documents the facts name (办法, 方案 …)."""
    return [Tag(kind) for d in _facts(source).documents if (kind := _text(d.kind))]


def read_topic(source: FacetSource) -> list[Tag]:
    """The topic labels; a topic's id is a filter key."""
    return [Tag(label, (_text(t.id),)) for t in source.enrichment.topic_labels if (label := _text(t.label))]


def read_source(source: FacetSource) -> list[Tag]:
    """The source (来源) as stored."""
    value = _text(source.source)
    return [Tag(value)] if value else []


def read_issue(source: FacetSource) -> list[Tag]:
    """The 总期 numbers of the issues holding the article."""
    return [Tag(str(n)) for n in sorted(set(source.issues))]


# ---- the declaration -----------------------------------------------------------------------------

#: Every facet, in the order pages show them.
FACETS: tuple[Facet, ...] = (
    Facet(
        "column", "栏目", "columns", read_column, "Column: 国策要论, 地方新政 …", stored=True, route="columns",
        followed=True,
    ),
    Facet(
        "region",
        "地区",
        "regions",
        read_region,
        "Region; a province includes its cities (贵州 ⊃ 贵阳).",
        hierarchical=True,
        aliases=True,
        route="regions",
        followed=True,
    ),
    Facet(
        "authority",
        "发文机构",
        "authorities",
        read_authority,
        "Issuing authority, full name or as written.",
        aliases=True,
        route="authorities",
        nav_label="机构",
    ),
    Facet("topic", "主题", "topics", read_topic, "Topic id or label.", aliases=True, route="topics", followed=True),
    Facet("kind", "文件类型", "kinds", read_kind, "Document kind: 办法, 方案, 通知 …"),
    Facet("source", "来源", "sources", read_source, "Source (来源) as stored."),
    Facet("issue", "期号", "issues", read_issue, "Issue 总期 number.", numeric=True, stored=True, shown_as="总第{}期"),
)
FACET_BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}
FACET_NAMES = tuple(FACET_BY_NAME)
#: The facets with browse pages.
BROWSABLE: tuple[Facet, ...] = tuple(f for f in FACETS if f.route)
#: The facets subscribers can follow: their preferences, and the alerts on them.
FOLLOWED: tuple[Facet, ...] = tuple(f for f in FACETS if f.followed)
#: Distinct values counted per facet (the most frequent first).
FACET_SIZE = 30

F = TypeVar("F", bound=Callable[..., Any])


def with_facet_parameters(annotation: Callable[[Facet], Any], default: Any) -> Callable[[F], F]:
    """Turn a function's ``**filters`` into one keyword parameter per facet (named by its ``param``),
    placed after the first parameter: for frameworks that read signatures (FastAPI, Typer).

    >>> @with_facet_parameters(lambda facet: list[str], default=None)
    ... def search(text: str = "", **filters: list[str]) -> None: ...
    >>> list(inspect.signature(search).parameters)[:3]
    ['text', 'column', 'region']
    """

    def decorate(func: F) -> F:
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(func, eval_str=True).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        per_facet = [
            inspect.Parameter(f.param, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation(f))
            for f in FACETS
        ]
        func.__signature__ = inspect.Signature([*own[:1], *per_facet, *own[1:]])  # type: ignore[attr-defined]
        return func

    return decorate


class FacetCount(BaseModel):
    """One value of a facet and how many hits have it."""

    model_config = ConfigDict(frozen=True)

    value: str
    count: int


def date_number(day: dt.date | None) -> int:
    """A day as the integer yyyymmdd the index sorts and filters by (0: undated).

    >>> date_number(dt.date(2025, 3, 14)), date_number(None)
    (20250314, 0)
    """
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def number_date(value: int | None) -> dt.date | None:
    """The day of a yyyymmdd integer (None for 0).

    >>> number_date(20250314)
    datetime.date(2025, 3, 14)
    """
    if not value:
        return None
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def filter_queries(schema: tantivy.Schema, query: Query) -> list[tantivy.Query]:
    """One query per filter set in ``query`` (an article must pass them all)."""
    tq = tantivy.Query
    found: list[tantivy.Query] = []
    for facet in FACETS:
        values = query.filters.get(facet.name)
        if not values:
            continue
        cleaned = [v.strip() for v in values if v.strip()]
        keys: list[Any] = [int(v) for v in cleaned] if facet.numeric else cleaned
        # Terms, not a term set: a term set marks every article with a key first (1M: ~1 ms each time the
        # filter is used), a term's postings are only read as far as the search goes.
        terms = [tq.term_query(schema, facet.keys_field, key) for key in dict.fromkeys(keys)]
        if len(terms) <= 1:
            found.append(terms[0] if terms else tq.empty_query())
        else:
            found.append(tq.boolean_query([(tantivy.Occur.Should, term) for term in terms]))
    if query.since or query.until:
        low = date_number(query.since) if query.since else 1
        high = date_number(query.until) if query.until else None
        found.append(tq.range_query(schema, "date", tantivy.FieldType.Integer, low, high))
    return found


def aggregation_spec() -> dict[str, Any]:
    """The tantivy aggregation request that counts every facet."""
    return {f.name: {"terms": {"field": f.name, "size": FACET_SIZE}} for f in FACETS}


def facet_counts(result: dict[str, Any]) -> dict[str, list[FacetCount]]:
    """Facet counts from a tantivy aggregation result, most frequent first.

    >>> facet_counts({"column": {"buckets": [{"key": "地方新政", "doc_count": 3}]}})["column"]
    [FacetCount(value='地方新政', count=3)]
    """
    counts: dict[str, list[FacetCount]] = {}
    for facet in FACETS:
        buckets = (result.get(facet.name) or {}).get("buckets") or []
        values = []
        for bucket in buckets:
            key = bucket.get("key")
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            values.append(FacetCount(value=str(key), count=int(bucket.get("doc_count", 0))))
        counts[facet.name] = sorted(values, key=lambda c: (-c.count, c.value))
    return counts
