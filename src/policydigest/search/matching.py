"""How a parsed query becomes a tantivy query: each word a phrase of bigrams (exact), its other forms
beside it, title matches boosted, filters and exclusions around them.

>>> from policydigest.search.query import parse_query
>>> from policydigest.search.schema import build_schema
>>> built, ranked = QueryBuilder(build_schema()).build(parse_query("数据要素 -草案"), Query(text="数据要素 -草案"))
>>> ranked
True
"""

from __future__ import annotations

import re

import tantivy

from policydigest.search.facets import filter_queries
from policydigest.search.query import ParsedQuery, Query, Term
from policydigest.search.text import covering_bigrams, word_pattern

#: How much more a match in the title counts than one in the body.
TITLE_BOOST = 3.0
#: How much another form of a word (发改委 → 国家发展和改革委员会) counts against the word typed.
ALTERNATIVE_WEIGHT = 0.5
#: Score added per word matched when no article has every word (more words always rank first).
WORD_BONUS = 10_000.0
_Q, _O = tantivy.Query, tantivy.Occur


class QueryBuilder:
    """Builds the tantivy queries of one index schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self._schema = schema

    def term(self, term: Term, field: str, within: tantivy.Query | None = None) -> tantivy.Query | None:
        """The word's query on ``field``; ``within``: only among the articles it matches (scored 0)."""
        pattern = word_pattern(term.text, prefix=term.prefix)
        if not pattern:
            return None
        grams = covering_bigrams(pattern)
        if len(pattern) == 1:  # a lone character: any bigram that starts with it
            found = _Q.regex_query(self._schema, field, re.escape(pattern) + ".")
        elif len(grams) == 1:
            found = _Q.term_query(self._schema, field, grams[0][1])
        else:
            found = _Q.phrase_query(self._schema, field, list[str | tuple[int, str]](grams))
        if within is None:
            return found
        # Inside each word, not around the whole: a union of forms is evaluated in full when it is only seeked.
        return _Q.boolean_query([(_O.Must, found), (_O.Must, _Q.const_score_query(within, 0.0))])

    def forms(
        self, term: Term, field: str, *, rank: bool, within: tantivy.Query | None = None
    ) -> tantivy.Query | None:
        """The term or any of its other forms (those weigh less when ranking)."""
        typed = self.term(term, field, within)
        if not term.alternatives:
            return typed
        forms = [(_O.Should, typed)] if typed is not None else []
        for text in term.alternatives:
            other = self.term(Term(text), field, within)
            if other is not None:
                forms.append((_O.Should, _Q.boost_query(other, ALTERNATIVE_WEIGHT) if rank else other))
        return _Q.boolean_query(forms) if forms else None

    def build(
        self,
        parsed: ParsedQuery,
        query: Query,
        *,
        rank: bool = True,
        partial: bool = False,
        within: tantivy.Query | None = None,
    ) -> tuple[tantivy.Query, bool]:
        """The tantivy query, and whether it ranks (has words) or only filters.

        ``rank=False`` leaves out the title boosts: the same articles match, found with less work
        (for counting facets and listing ids). ``partial``: any of the words, more words first.
        ``within``: only among the articles this query matches (a sample, the newest), scores unchanged.
        """
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        words: list[tuple[tantivy.Occur, tantivy.Query]] = []  # partial: any of them, scored
        filters = filter_queries(self._schema, query)
        narrow = within if partial else self._narrowest(parsed, filters, within)
        for term in parsed.required:
            # A union (a word's forms; when partial, the words) is evaluated in full where it is only
            # seeked: the restrictions go inside it. A plain word and the title boosts need them once, at the top.
            inner = narrow if term.alternatives else within if partial else None
            body = self.forms(term, "text", rank=rank, within=inner)
            if body is None:
                continue
            if partial and rank:
                words.append((_O.Should, _Q.const_score_query(body, WORD_BONUS)))
            (words if partial else clauses).append((_O.Should if partial else _O.Must, body))
            title = self.forms(term, "title", rank=rank, within=inner if partial else None) if rank else None
            if title is not None:
                (words if partial else clauses).append((_O.Should, _Q.boost_query(title, TITLE_BOOST)))
        if words:
            clauses.append((_O.Must, _Q.boolean_query(words)))
        ranked = bool(clauses)
        for term in parsed.excluded:
            excluded = self.term(term, "text")
            if excluded is not None:
                clauses.append((_O.MustNot, excluded))
        clauses.extend((_O.Must, _Q.const_score_query(f, 0.0)) for f in filters)
        if within is not None and not (partial and ranked):
            clauses.append((_O.Must, _Q.const_score_query(within, 0.0)))
        elif not ranked:
            clauses.append((_O.Must, _Q.const_score_query(_Q.all_query(), 0.0)))
        return _Q.boolean_query(clauses), ranked

    def _narrowest(
        self, parsed: ParsedQuery, filters: list[tantivy.Query], within: tantivy.Query | None
    ) -> tantivy.Query | None:
        """What every match must also have besides a word with other forms: the words without and the
        filters (and ``within``). Put inside each form, it spares tantivy evaluating the whole union of
        the forms, which it does when another clause leads and the union is only seeked."""
        if not any(term.alternatives for term in parsed.required):
            return within
        plain = [self.term(term, "text") for term in parsed.required if not term.alternatives]
        parts = [q for q in plain if q is not None] + filters + ([within] if within is not None else [])
        if len(parts) <= 1:
            return parts[0] if parts else None
        return _Q.boolean_query([(_O.Must, q) for q in parts])
