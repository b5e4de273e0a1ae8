"""Counting the matches of a query and its facet values, exactly or, for very common words, in a sample.

Counting visits every match: for a word in 300,000 of a million articles that costs more than the
rest of the search. Such a query is counted in whole sample slots (``schema.SAMPLE_SLOTS``; an
article's slot is its id scattered by a hash) holding about ``sample_matches`` matches, and its
counts are scaled up and marked approximate (pages say 约). Queries with fewer matches than
``exact_limit`` are counted exactly, and the page of hits never depends on the sample.

>>> from policydigest.search.documents import IndexedArticle
>>> from policydigest.search.index import SearchIndex
>>> index = SearchIndex.in_memory()
>>> index.add([IndexedArticle(id=n, title="算力", body="", facets={"column": ("国策要论",)}) for n in range(1, 4)])
>>> found = count(index._searcher(), index._schema, lambda within: within or tantivy.Query.all_query())
>>> found.total, found.facets["column"], found.approximate
(3, [FacetCount(value='国策要论', count=3)], False)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import tantivy

from policydigest.search.facets import FacetCount, aggregation_spec, facet_counts
from policydigest.search.schema import SAMPLE_SLOTS

#: A query with more matches than this (estimated from the first sample slot) is counted in a sample.
EXACT_LIMIT = 50_000
#: Matches a sample aims at: counts then within about 1 % (1/√20,000 ≈ 0.7 %).
SAMPLE_MATCHES = 20_000
#: A query counted in a sample ranks its newest matches, about this many (see ``Counts.newest_from``).
RANKED_MATCHES = 20_000
_TOTAL = "_total"  # the aggregation that counts the matches beside the facets
_MONTHS = "_months"  # the matches per month (dates are yyyymmdd: an interval of 100 is a month)
_Q, _O = tantivy.Query, tantivy.Occur
#: The matches of a query among the articles of a filter (None: all of them).
Matching = Callable[[tantivy.Query | None], tantivy.Query]


class Counts(NamedTuple):
    """How many articles match and the facet counts; ``approximate``: estimated from a sample."""

    total: int
    facets: dict[str, list[FacetCount]]
    approximate: bool = False
    #: With very many matches: the first day (yyyymmdd) of the months whose matches are ranked, the
    #: newest ``RANKED_MATCHES`` or so; the best of 300,000 matches need not be looked for in all of them.
    newest_from: int | None = None


def count(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    matching: Matching,
    *,
    exact_limit: int = EXACT_LIMIT,
    sample_matches: int = SAMPLE_MATCHES,
    ranked_matches: int = RANKED_MATCHES,
) -> Counts:
    """The number of articles ``matching`` finds and their facet counts, in one pass over the matches
    (or over those in the sample, for a query with more than ``exact_limit`` matches)."""
    slots = sample_slots(searcher, schema, matching, exact_limit=exact_limit, sample_matches=sample_matches)
    within = None
    if slots < SAMPLE_SLOTS:
        within = _Q.range_query(schema, "sample", tantivy.FieldType.Integer, 0, slots - 1, use_inverted_index=True)
    spec = {**aggregation_spec(), _TOTAL: {"value_count": {"field": "id"}}}
    if within is not None:
        spec[_MONTHS] = {"histogram": {"field": "date", "interval": 100}}
    found = searcher.aggregate(matching(within), spec)
    scale = SAMPLE_SLOTS / slots
    total = estimate(int((found.get(_TOTAL) or {}).get("value") or 0), scale)
    facets = {
        name: [FacetCount(value=c.value, count=estimate(c.count, scale)) for c in values]
        for name, values in (facet_counts(found) if total else {}).items()
    }
    months = (found.get(_MONTHS) or {}).get("buckets") or []
    return Counts(total, facets, approximate=scale > 1, newest_from=newest_from(months, ranked_matches / scale))


def newest_from(months: list[dict[str, float]], wanted: float) -> int | None:
    """The first day of the newest months holding ``wanted`` matches (histogram buckets of yyyymmdd
    dates); None when that takes every dated month.

    >>> newest_from([{"key": 20250100.0, "doc_count": 5}, {"key": 20250200.0, "doc_count": 7}], 6)
    20250201
    >>> newest_from([{"key": 20250100.0, "doc_count": 5}], 6) is None
    True
    """
    held = 0.0
    for bucket in sorted(months, key=lambda b: -b["key"]):
        held += bucket["doc_count"]
        if held >= wanted and bucket["key"] >= 10_000:  # undated articles (0) are never "newest"
            return int(bucket["key"]) + 1  # buckets are keyed yyyymm00
    return None


def sample_slots(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    matching: Matching,
    *,
    exact_limit: int = EXACT_LIMIT,
    sample_matches: int = SAMPLE_MATCHES,
) -> int:
    """How many sample slots (of ``SAMPLE_SLOTS``) to count ``matching`` in: all of them, unless the
    first slot's matches say that it has more than ``exact_limit``."""
    if searcher.num_docs <= exact_limit:
        return SAMPLE_SLOTS
    first = matching(_Q.term_query(schema, "sample", 0))
    in_first = int(getattr(searcher.search(first, limit=1, count=True), "count", 0) or 0)  # stubs omit `count`
    if in_first * SAMPLE_SLOTS <= exact_limit:
        return SAMPLE_SLOTS
    return min(SAMPLE_SLOTS, -(-sample_matches // in_first))


def estimate(counted: int, scale: float) -> int:
    """``counted`` scaled up from a sample, to three significant digits (as it is when not scaled).

    >>> estimate(3_557, 128 / 5), estimate(12, 1.0)
    (91100, 12)
    """
    if scale == 1:
        return counted
    scaled = counted * scale
    return int(round(scaled, -max(0, len(str(int(scaled))) - 3)))
