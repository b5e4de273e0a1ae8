"""The search index: a tantivy index of bigram terms, searched with phrase queries (exact), ranked by BM25.

An index lives in a folder (``index_path``): ``tantivy/`` holds the index, ``meta.json`` its schema
version. It is derived data, rebuilt from the store by ``policydigest reindex``.

>>> from policydigest.search.documents import IndexedArticle
>>> index = SearchIndex.in_memory()
>>> index.add([IndexedArticle(id=1, title="贵州发放算力券", body="支持数据要素流通。")])
>>> result = index.search(Query(text="算力"))
>>> [(hit.id, hit.title_html) for hit in result.hits]
[(1, '贵州发放<mark>算力</mark>券')]
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import tantivy

from policydigest.errors import SearchIndexError
from policydigest.search.counting import Counts, Limits, Plan, count, plan
from policydigest.search.documents import IndexedArticle
from policydigest.search.facets import number_date
from policydigest.search.matching import QueryBuilder
from policydigest.search.query import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    Query,
    SortOrder,
    Term,
    parse_query,
    split_with_dictionary,
)
from policydigest.search.results import SearchHit, SearchResult
from policydigest.search.schema import SCHEMA_VERSION, build_schema, register_analyzers, split_content, to_documents
from policydigest.search.semantic import CANDIDATES, SemanticIndex, applies, fuse, meaning_text
from policydigest.search.snippets import highlight, match_pattern, snippet, term_regex
from policydigest.search.text import fold, index_terms
from policydigest.search.understand import Understanding, Vocabulary, understand

log = logging.getLogger(__name__)

#: Hits fetched beyond the page to order ties deterministically.
TIE_MARGIN = 20
#: Articles turned into index documents together (their terms are computed in one pass).
ADD_BATCH = 512
#: Writer heap (bytes) and indexing threads of a whole-index build (``policydigest reindex``, the search
#: benchmark). Measured at 1M articles (docs/search.md): a smaller heap makes more segments to merge,
#: which costs more CPU and more peak memory; two threads beside Python's keep both cores busy.
BULK_HEAP, BULK_THREADS = 1_000_000_000, 2
_Q = tantivy.Query
_FILTER_FIELDS = {"filters", "since", "until"}
_O = tantivy.Occur
_INTEGER = tantivy.FieldType.Integer


_NONE = Counts(0, {})


class SearchIndex:
    """Search over the articles: add, delete, search, more like this."""

    #: Seconds a write waits for another writer (process) to let go of the index.
    lock_timeout: float = 10.0
    #: Queries whose facet counts are kept (the next page or another order reuses them); 0: none.
    facet_cache_size: int = 256
    #: When a query is counted in a sample and ranked among its newest matches (``counting.py``).
    count_limits: Limits = Limits()

    def __init__(self, index: tantivy.Index, folder: Path | None) -> None:
        self._index = index
        self._folder = folder
        self._schema = index.schema
        self._queries = QueryBuilder(self._schema)
        self._lock = threading.Lock()
        self._seen_meta = self._meta_stamp()
        self._generation = 0  # counts this process's writes: cached facets are of one generation
        self._facet_cache: OrderedDict[tuple[Any, ...], tuple[Counts, Plan]] = OrderedDict()
        #: The users' synonym file, added to the shipped one (IndexSync sets the one of the settings).
        self.synonyms_file: Path | None = None
        #: Vectors for semantic recall (``search/semantic.py``); None: off (IndexSync sets it by the settings).
        self.semantic: SemanticIndex | None = None

    # ---- opening ------------------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> SearchIndex:
        """An empty index in memory (tests, small tools)."""
        index = tantivy.Index(build_schema())
        register_analyzers(index)
        return cls(index, None)

    @classmethod
    def open(cls, folder: Path, *, create: bool = True) -> SearchIndex:
        """The index in ``folder``; an empty one is created there when none exists and ``create``."""
        meta_file, data = folder / "meta.json", folder / "tantivy"
        if not data.is_dir():
            if not create:
                raise SearchIndexError(f"{folder} 处没有检索索引（请运行 `policydigest reindex` 建立）")
            data.mkdir(parents=True, exist_ok=True)
            meta_file.write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
        version = cls.version_at(folder)
        if version != SCHEMA_VERSION:
            raise SearchIndexError(
                f"{folder} 处的检索索引是第 {version} 版，本程序需要第 {SCHEMA_VERSION} 版；"
                "请运行 `policydigest reindex`"
            )
        try:
            index = tantivy.Index(build_schema(), path=str(data), reuse=True)
        except (OSError, ValueError) as exc:
            raise SearchIndexError(
                f"无法打开 {folder} 处的检索索引：{exc}；请运行 `policydigest reindex`"
            ) from exc
        register_analyzers(index)
        return cls(index, folder)

    @staticmethod
    def version_at(folder: Path) -> object:
        """The schema version ``meta.json`` in ``folder`` records. Raises SearchIndexError when unreadable."""
        try:
            found = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            return found.get("schema_version") if isinstance(found, dict) else None
        except (OSError, ValueError) as exc:
            raise SearchIndexError(
                f"{folder} 处的检索索引没有可读的 meta.json；请运行 `policydigest reindex`"
            ) from exc

    @property
    def folder(self) -> Path | None:
        """Where the index lives (None in memory)."""
        return self._folder

    def info(self) -> dict[str, Any]:
        """What ``meta.json`` records about the index (schema version, the store it was built from)."""
        if self._folder is None:
            return {}
        try:
            found = json.loads((self._folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def record(self, **fields: Any) -> None:
        """Add ``fields`` to ``meta.json``."""
        if self._folder is None:
            return
        meta = {**self.info(), **fields}
        tmp = self._folder / "meta.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self._folder / "meta.json")

    # ---- writing ------------------------------------------------------------------------------

    @contextmanager
    def _writer(self, heap: int = 50_000_000, threads: int = 1) -> Iterator[tantivy.IndexWriter]:
        writer = None
        deadline = time.monotonic() + self.lock_timeout
        while writer is None:  # another process may be writing: wait a while for its lock
            try:
                writer = self._index.writer(heap, threads)
            except ValueError as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise SearchIndexError(f"无法写入检索索引：{exc}") from exc
                time.sleep(0.1)
        assert writer is not None
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer
            self._generation += 1
            self._index.reload()

    def add(
        self,
        articles: Iterable[IndexedArticle],
        *,
        replace: bool = True,
        heap: int = 50_000_000,
        threads: int = 1,
        on_article: Callable[[], None] | None = None,
    ) -> None:
        """Index ``articles`` in one commit; ``replace`` drops any earlier version of each first."""
        if self.semantic is not None:
            articles = self.semantic.add(articles)
        pending = iter(articles)
        with self._lock, self._writer(heap, threads) as writer:
            while batch := list(islice(pending, ADD_BATCH)):
                for article, document in zip(batch, to_documents(batch), strict=True):
                    if replace:
                        writer.delete_documents_by_term("id", article.id)
                    writer.add_document(document)
                    if on_article:
                        on_article()

    def delete(self, ids: Iterable[int]) -> None:
        """Remove these articles from the index (unknown ids are ignored)."""
        if self.semantic is not None:
            ids = self.semantic.delete(ids)
        with self._lock, self._writer() as writer:
            for article_id in ids:
                writer.delete_documents_by_term("id", article_id)

    # ---- reading ------------------------------------------------------------------------------

    def _meta_stamp(self) -> int:
        if self._folder is None:
            return 0
        try:
            return (self._folder / "tantivy" / "meta.json").stat().st_mtime_ns
        except OSError:
            return 0

    def _searcher(self) -> tantivy.Searcher:
        stamp = self._meta_stamp()
        if stamp != self._seen_meta:  # another process committed: see its changes
            self._index.reload()
            self._seen_meta = stamp
        return self._index.searcher()

    def count(self) -> int:
        """How many articles are indexed."""
        return int(self._searcher().num_docs)

    def ids(self) -> set[int]:
        """The ids of every indexed article."""
        searcher = self._searcher()
        found = searcher.search(_Q.all_query(), limit=max(1, searcher.num_docs), count=False)
        values = searcher.fast_field_values("id", [address for _score, address in found.hits])
        return {int(v) for v in values if v is not None}

    def search(self, query: Query) -> SearchResult:
        """Run ``query``: the page of hits, the total, facet counts and snippets.

        With ``query.expand`` the query is understood first (``understand.py``); words typed without
        spaces that find nothing are split with the domain dictionary; when still no article has
        every word, the articles with most of them are shown (``partial`` says which words).
        """
        started = time.perf_counter()
        typed = parse_query(query.text)
        searcher = self._searcher()
        understood = understand(typed, self._vocabulary()) if query.expand else Understanding(typed)
        parsed = understood.parsed
        counts, page, since = self._run(searcher, parsed, query)
        split = False
        if counts.total == 0 and parsed.required:
            alternative = split_with_dictionary(parsed)
            if alternative is not None:
                if query.expand:
                    again = understand(alternative, self._vocabulary())
                    understood = Understanding(
                        again.parsed, understood.dropped + again.dropped, tuple(dict.fromkeys(again.also_searched))
                    )
                    alternative = again.parsed
                parsed, split = alternative, True
                counts, page, since = self._run(searcher, parsed, query)
        partial = counts.total == 0 and query.expand and query.closest and len(parsed.required) > 1
        if partial:
            counts, page, since = self._run(searcher, parsed, query, partial=True)
        related: list[int] = []
        total = counts.total
        if self.semantic is not None and applies(parsed, query) and (partial or total < query.offset + query.limit):
            total, page, related = self._by_meaning(searcher, parsed, query, total, partial)
        pattern = match_pattern(parsed.required)
        words = parsed.required if partial else None
        hits = [self._hit(searcher, address, score, pattern, words) for score, address in page]
        return SearchResult(
            query=query,
            total=total,
            approximate=counts.approximate,
            facets_approximate=counts.facets_approximate,
            ranked_since=number_date(since) if since and not related else None,
            hits=hits,
            facets=counts.facets,
            searched=parsed.as_typed(),
            split=split,
            dropped=list(understood.dropped),
            also_searched=list(understood.also_searched),
            partial=hits[0].matched if partial and hits else [],
            related=related,
            cut=len(query.text) > MAX_QUERY_CHARS,
            ignored=list(typed.ignored),
            took_ms=round((time.perf_counter() - started) * 1000, 3),
        )

    def warm_up(self) -> None:
        """Load what the first search would otherwise load (synonyms, authorities, places, the
        segmenter: a third of a second), so that no reader waits for it."""
        self._vocabulary()
        split_with_dictionary(parse_query("贵州算力"))

    def _vocabulary(self) -> Vocabulary:
        return Vocabulary.load(self.synonyms_file)  # read once per file

    def _run(
        self, searcher: tantivy.Searcher, parsed: ParsedQuery, query: Query, *, partial: bool = False
    ) -> tuple[Counts, list[tuple[float, tantivy.DocAddress]], int | None]:
        """The counts, the page of hits, and the first day (yyyymmdd) of the newest matches they were
        ranked among (None: among all of them)."""
        tq, ranked = self._queries.build(parsed, query, partial=partial)
        by_date = query.sort is SortOrder.DATE or not ranked
        counted: Counts | None = None
        how, since = Plan(), None
        if query.facets:
            # With facets, the aggregation counts too (every match, or a sample); only when it counts the
            # facets alone in a sample does the ranked search count the total (it visits every match anyway).
            counted, how = self._counting(searcher, parsed, query, partial)
            if counted.total == 0:  # a sample always holds the first slot, where a plan saw matches
                return _NONE, [], None
            since = how.newest_from
        # Fetch a few more than the page so that ties (same score, same day) can be ordered the
        # same way whatever the index's segment layout: newest first, then highest id.
        wanted = query.offset + max(query.limit, 1) + TIE_MARGIN
        order = "date" if by_date else None
        found = None
        if since is not None:  # very many matches: the best (or newest) among the newest days' are enough
            newest = _Q.range_query(self._schema, "date", _INTEGER, since, None, use_inverted_index=True)
            recent, _ranked = self._queries.build(parsed, query, partial=partial, within=newest)
            found = searcher.search(recent, limit=wanted, count=False, order_by_field=order)
            if len(found.hits) < wanted:  # the page reaches past them: rank every match
                found, since = None, None
        counting = counted is None or (how.sampled and not how.total_sampled)  # the total is this search's
        if found is None:
            found = searcher.search(tq, limit=wanted, count=counting, order_by_field=order)
        addresses = [address for _key, address in found.hits]
        dates = searcher.fast_field_values("date", addresses)
        ids = searcher.fast_field_values("id", addresses)
        keyed = [
            (0.0 if by_date else round(float(key), 4), int(day or 0), int(i or 0), address)
            for (key, address), day, i in zip(found.hits, dates, ids, strict=True)
        ]
        keyed.sort(key=lambda k: (-k[0], -k[1], -k[2]))
        page = [(score, address) for score, _day, _id, address in keyed[query.offset : query.offset + query.limit]]
        if counting:
            total = int(getattr(found, "count", 0) or 0)  # the type stubs omit `count`
            return (counted or _NONE)._replace(total=total, approximate=False), page, None
        assert counted is not None
        return counted, page, None if by_date else since

    def _by_meaning(
        self, searcher: tantivy.Searcher, parsed: ParsedQuery, query: Query, total: int, partial: bool
    ) -> tuple[int, list[tuple[float, tantivy.DocAddress]], list[int]]:
        """The total and page with the articles near in meaning (``search/semantic.py``) after those with
        every word, or fused with those with some of them; and the ids found by meaning alone."""
        assert self.semantic is not None
        wanted = query.offset + query.limit
        top = query.model_copy(update={"offset": 0, "limit": wanted, "facets": False})
        by_words = self._run(searcher, parsed, top, partial=partial)[1] if total else []
        near = dict(self.semantic.nearest(meaning_text(parsed), max(CANDIDATES, wanted)))
        scored: dict[int, tuple[float, tantivy.DocAddress]] = {}
        if near:  # the near articles pass the filters and exclusions too
            allowed, _ranked = self._queries.build(ParsedQuery(tuple(parsed.excluded)), query, rank=False)
            among = _Q.boolean_query([(_O.Must, allowed), (_O.Must, _Q.term_set_query(self._schema, "id", list(near)))])
            found = searcher.search(among, limit=len(near), count=False).hits
            found_ids = [int(i or 0) for i in searcher.fast_field_values("id", [address for _s, address in found])]
            scored = {i: (near[i], address) for i, (_s, address) in zip(found_ids, found, strict=True)}
        near_ids = sorted(scored, key=lambda i: -near[i])
        word_ids = [int(i or 0) for i in searcher.fast_field_values("id", [address for _score, address in by_words])]
        scored.update(zip(word_ids, by_words, strict=True))
        ranking, by_word = fuse(word_ids, near_ids, every_word=not partial), set(word_ids)
        related = [i for i in ranking if i not in by_word]
        return total + len(related), [scored[i] for i in ranking[query.offset : wanted]], related

    def _counting(
        self, searcher: tantivy.Searcher, parsed: ParsedQuery, query: Query, partial: bool
    ) -> tuple[Counts, Plan]:
        """How many articles match and the facet counts (empty when none matches), and the plan they were
        counted by (``counting.plan``)."""
        # Facet counts do not depend on the page or the order: paging and re-sorting reuse them.
        filters = query.model_dump_json(include=_FILTER_FIELDS)
        key = (self._seen_meta, self._generation, parsed.terms, filters, partial)
        with self._lock:
            cached = self._facet_cache.get(key)
            if cached is not None:
                self._facet_cache.move_to_end(key)
                return cached

        def matching(within: tantivy.Query | None) -> tantivy.Query:
            return self._queries.build(parsed, query, rank=False, partial=partial, within=within)[0]

        how = plan(searcher, self._schema, matching, self.count_limits)
        counts = count(searcher, self._schema, matching, how)
        if self.facet_cache_size > 0:
            with self._lock:
                self._facet_cache[key] = (counts, how)
                while len(self._facet_cache) > self.facet_cache_size:
                    self._facet_cache.popitem(last=False)
        return counts, how

    def _hit(
        self,
        searcher: tantivy.Searcher,
        address: tantivy.DocAddress,
        score: float,
        pattern: re.Pattern[str] | None,
        words: list[Term] | None = None,
    ) -> SearchHit:
        """The hit at ``address``; with ``words``, which of them it has (when not every word matched)."""
        stored = searcher.doc(address)
        title, body = split_content(stored.get_first("content") or b"")
        columns = stored.get_all("column")
        folded = fold(f"{title}\n{body}") if words else ""
        matched = [w.text for w in words or () if any(re.search(term_regex(f), folded) for f in _forms(w))]
        return SearchHit(
            id=int(stored.get_first("id") or 0),
            title=title,
            column=columns[0] if columns else None,
            date=number_date(stored.get_first("date")),
            score=round(score, 4),
            snippet=snippet(body or title, pattern),
            title_html=highlight(title, pattern),
            issues=sorted(int(i) for i in stored.get_all("issue")),
            matched=matched,
        )

    def matching_ids(self, query: Query) -> list[int]:
        """The ids of every article ``query`` matches, unranked (no dictionary split): exports, checks.

        >>> from policydigest.search.documents import IndexedArticle
        >>> index = SearchIndex.in_memory()
        >>> index.add([IndexedArticle(id=4, title="数商", body=""), IndexedArticle(id=5, title="数", body="商")])
        >>> index.matching_ids(Query(text="数商"))
        [4]
        """
        tq, _ranked = self._queries.build(parse_query(query.text), query, rank=False)
        searcher = self._searcher()
        found = searcher.search(tq, limit=max(1, searcher.num_docs), count=False, order_by_field="id")
        values = searcher.fast_field_values("id", [address for _key, address in found.hits])
        return sorted(int(v) for v in values if v is not None)

    def more_like_this(self, article_id: int, limit: int = 5) -> list[SearchHit]:
        """Articles most like this one (shared rare bigrams, BM25), best first; [] if it is not indexed."""
        searcher = self._searcher()
        own = searcher.search(_Q.term_query(self._schema, "id", article_id), limit=1, count=False)
        if not own.hits:
            log.info("more like this: article #%s is not in the index", article_id)
            return []
        title, body = split_content(searcher.doc(own.hits[0][1]).get_first("content") or b"")
        like = _Q.more_like_this_document_fields_query(
            self._schema,
            {"text": [index_terms(f"{title}\n{body}")]},
            min_doc_frequency=2,
            max_doc_frequency=max(2, int(searcher.num_docs * 0.3)),
            min_term_frequency=1,
            max_query_terms=40,
        )
        query = _Q.boolean_query([(_O.Should, like), (_O.MustNot, _Q.term_query(self._schema, "id", article_id))])
        found = searcher.search(query, limit=limit, count=False)
        return [self._hit(searcher, address, float(score), None) for score, address in found.hits]


def _forms(term: Term) -> list[Term]:
    """The term and its other forms, as terms."""
    return [term, *(Term(text) for text in term.alternatives)]
