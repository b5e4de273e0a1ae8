"""Counting the matches of a query and its facet values, exactly or, for very common words, in a sample.

Counting visits every match: for a word in 300,000 of a million articles that costs more than the
rest of the search. So a search first looks at the matches in one sample slot (``plan``; an article's
slot, of ``schema.SAMPLE_SLOTS``, is its id scattered by a hash). A query with more than
``Limits.facets`` matches by that estimate has its facets counted in whole slots holding about that
many (scaled up and marked approximate: pages say 约), its total still counted by the ranked search;
one with more than ``Limits.exact`` has its total estimated from a sample of ``Limits.sample`` too,
and its hits are the best of its newest ``Limits.ranked`` matches or so (``Plan.newest_from``).
Other queries are counted exactly.

>>> from policydigest.search.documents import IndexedArticle
>>> from policydigest.search.index import SearchIndex
>>> index = SearchIndex.in_memory()
>>> index.add([IndexedArticle(id=n, title="算力", body="", facets={"column": ("国策要论",)}) for n in range(1, 4)])
>>> searcher, every = index._searcher(), lambda within: within or tantivy.Query.all_query()
>>> found = count(searcher, index._schema, every, plan(searcher, index._schema, every))
>>> found.total, found.facets["column"], found.approximate
(3, [FacetCount(value='国策要论', count=3)], False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import tantivy

from policydigest.search.facets import FacetCount, aggregation_spec, facet_counts
from policydigest.search.schema import SAMPLE_SLOTS

_TOTAL = "_total"  # the aggregation that counts the matches beside the facets
_DAYS = "_days"  # the matches per day (dates are yyyymmdd integers; days without any are left out)
_Q, _O = tantivy.Query, tantivy.Occur
#: The matches of a query among the articles of a filter (None: all of them).
Matching = Callable[[tantivy.Query | None], tantivy.Query]


@dataclass(frozen=True)
class Limits:
    """When a query is counted in a sample, and how big the sample and the ranked part are.

    Measured at 1M articles (docs/search.md): evaluating a query costs about the same per candidate
    article whatever it finally matches, so a word in 40 % of the articles costs 20–60 ms to count or
    rank in full, and 2,000 matches are enough for estimates a reader can use.
    """

    #: A query with more matches than this (estimated from the first sample slot) is counted in a
    #: sample and ranked among its newest matches.
    exact: int = 3_000
    #: Matches such a sample aims at: its total then within about 2 % (1/√2,000).
    sample: int = 2_000
    #: Matches such a query ranks, its newest.
    ranked: int = 2_000
    #: A query with more matches than this has its facet counts from a sample of about as many
    #: (a value with a tenth of them within about 7 %); up to ``exact`` its total still counts every match.
    facets: int = 2_000

    @classmethod
    def up_to(cls, exact: int) -> Limits:
        """Exact counts up to ``exact`` matches; the sample and the ranked part hold two thirds of that,
        at most the defaults (setting ``search_exact_counts_up_to``).

        >>> Limits.up_to(900)
        Limits(exact=900, sample=600, ranked=600, facets=600)
        >>> Limits.up_to(3_000) == Limits() and Limits.up_to(200_000) == Limits(exact=200_000)
        True
        """
        part = exact * 2 // 3
        return cls(exact, min(cls.sample, part), min(cls.ranked, part), min(cls.facets, part))


class Plan(NamedTuple):
    """How to count a query: in how many sample slots (all: exactly), whether its total is counted there
    too (or by the ranked search, which visits every match anyway), and where its ranked part starts."""

    slots: int = SAMPLE_SLOTS
    total_sampled: bool = False
    #: The first day (yyyymmdd) of the newest days holding about ``Limits.ranked`` matches, or None:
    #: rank every match. The best of 300,000 matches need not be looked for in all of them.
    newest_from: int | None = None

    @property
    def sampled(self) -> bool:
        """Whether the facet counts will be estimates from a sample."""
        return self.slots < SAMPLE_SLOTS


class Counts(NamedTuple):
    """How many articles match and the facet counts, and which of them are estimates from a sample."""

    total: int
    facets: dict[str, list[FacetCount]]
    approximate: bool = False
    facets_approximate: bool = False


def plan(searcher: tantivy.Searcher, schema: tantivy.Schema, matching: Matching, limits: Limits = Limits()) -> Plan:
    """How to count ``matching``, by its matches in the first sample slot: exactly up to ``limits.facets``
    matches; then its facets in a sample; past ``limits.exact`` its total too, and it ranks its newest."""
    facets = min(limits.facets, limits.exact)
    if searcher.num_docs <= facets:
        return Plan()
    first = searcher.aggregate(
        matching(_Q.term_query(schema, "sample", 0)),
        {
            _TOTAL: {"value_count": {"field": "id"}},
            _DAYS: {"histogram": {"field": "date", "interval": 1, "min_doc_count": 1}},
        },
    )
    in_first = int((first.get(_TOTAL) or {}).get("value") or 0)
    if in_first * SAMPLE_SLOTS <= facets:
        return Plan()
    if in_first * SAMPLE_SLOTS <= limits.exact:
        return Plan(min(SAMPLE_SLOTS, -(-facets // in_first)))
    days = (first.get(_DAYS) or {}).get("buckets") or []
    slots = min(SAMPLE_SLOTS, -(-limits.sample // in_first))
    return Plan(slots, slots < SAMPLE_SLOTS, newest_from(days, limits.ranked / SAMPLE_SLOTS))


def count(searcher: tantivy.Searcher, schema: tantivy.Schema, matching: Matching, how: Plan) -> Counts:
    """The number of articles ``matching`` finds and their facet counts, in one pass over the matches
    (over those in the sample slots of ``how``, scaled up; the total is then a sample's estimate, which
    the caller replaces when ``how.total_sampled`` is false)."""
    within = None
    if how.sampled:
        within = _Q.range_query(schema, "sample", tantivy.FieldType.Integer, 0, how.slots - 1, use_inverted_index=True)
    found = searcher.aggregate(matching(within), {**aggregation_spec(), _TOTAL: {"value_count": {"field": "id"}}})
    scale = SAMPLE_SLOTS / how.slots
    total = estimate(int((found.get(_TOTAL) or {}).get("value") or 0), scale)
    facets = {
        name: [FacetCount(value=c.value, count=estimate(c.count, scale)) for c in values]
        for name, values in (facet_counts(found) if total else {}).items()
    }
    return Counts(total, facets, approximate=how.total_sampled, facets_approximate=how.sampled)


def newest_from(days: list[dict[str, float]], wanted: float) -> int | None:
    """The first of the newest days holding ``wanted`` matches (histogram buckets of yyyymmdd dates);
    None when that takes every dated day.

    >>> newest_from([{"key": 20250110.0, "doc_count": 5}, {"key": 20250203.0, "doc_count": 7}], 6)
    20250203
    >>> newest_from([{"key": 20250110.0, "doc_count": 5}], 6) is None
    True
    """
    held = 0.0
    for bucket in sorted(days, key=lambda b: -b["key"]):
        held += bucket["doc_count"]
        if held >= wanted and bucket["key"] >= 10_000:  # undated articles (0) are never "newest"
            return int(bucket["key"])
    return None


def estimate(counted: int, scale: float) -> int:
    """``counted`` scaled up from a sample, to three significant digits (as it is when not scaled).

    >>> estimate(3_557, 128 / 5), estimate(12, 1.0)
    (91100, 12)
    """
    if scale == 1:
        return counted
    scaled = counted * scale
    return int(round(scaled, -max(0, len(str(int(scaled))) - 3)))
