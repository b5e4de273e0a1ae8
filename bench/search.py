"""Search benchmark: index build rate, query latency (top 10 with facets) and exactness, against SQLite FTS5.

Synthetic corpora are built from the project's own sample bulletins (src/policydigest/data/sample):
each article is a sample title and 3–9 sample sentences, some with their clauses shuffled (so that
words meet their neighbours in new places, 大 … 模型 apart included), with a column, date, issue,
source and region drawn at random. The same articles go into

- policydigest's index (tantivy, bigram phrase queries, 7 facets; the query understood: other
  forms of words searched too), and
- a plain SQLite FTS5 index (trigram tokenizer, MATCH with bm25(); 3 facets by GROUP BY);

and "tantivy alone" is the same tantivy index asked only for the top 10 of the same query (no
count, facets, snippets or Python around it): the floor policydigest's search stands on.

No answer is kept between runs of a query (policydigest's facet cache is off). The builds' writes are
flushed, and every engine answers each query twice, with and without its column filter, before the
three measured passes: the first queries after a big build are slower, flushed or not (on this machine
up to 64 ms of CPU a query, then about 5; docs/search.md). A server is past that after its first
requests; the warm-up passes are reported on a line of their own. Queries with very many matches are
counted in a sample and ranked among their newest matches (search/counting.py): the run reports how
many were, the largest error of their estimated totals, and how many of their top 10 the full ranking
shares. Exactness is measured against plain substring truth: an article matches when its title + body
contain every query word. The articles are made before the clocks start; each figure is given in wall
time and in CPU time (the process's for a build, the calling thread's for a query): the machine's two
cores are shared, and CPU time is what a quiet machine would show. Run: python -m bench search
(BENCH_SEARCH_SIZE=1000000 for 1M), or python -m bench.search --size 1000000 [--workdir DIR] [--keep];
``main(smoke=True)`` runs 500 articles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.timing import median, percentile
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS
from policydigest.search import IndexedArticle, Query, SearchIndex, parse_query
from policydigest.search.counting import Limits
from policydigest.search.index import BULK_HEAP, BULK_THREADS
from policydigest.search.schema import build_order
from policydigest.settings import Settings

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "src" / "policydigest" / "data" / "sample"
COLUMNS = DEFAULT_COLUMNS
REGIONS = (("贵阳市", "贵州省"), ("遵义市", "贵州省"), ("杭州市", "浙江省"), ("济南市", "山东省"), ("成都市", "四川省"))
#: Words every run measures: two-character words, words inside longer words, long compounds.
FIXED_WORDS = (
    "算力",
    "数商",
    "大模型",
    "模型",
    "数据交易所",
    "工业互联网",
    "数据要素",
    "公共数据授权运营",
    "人工智能",
    "数据安全",
    "标注",
    "试点",
    "贵阳",
    "具身智能",
    "语料库",
    "算力券",
    "数据资产入表",
    "可信数据空间",
    "大数据",
    "交易所",
    "授权运营",
    "数据 安全",
    "算力 标注",
    "人工智能 试点 贵阳",
)
SMOKE_SIZE = 500
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Corpus:
    """Sentences and titles of the sample bulletins, and sources, to draw synthetic articles from."""

    titles: list[str]
    sentences: list[str]
    sources: list[str]


def load_corpus() -> Corpus:
    settings = Settings()
    titles, sentences, sources = [], [], []
    for path in sorted(SAMPLE_DIR.glob("sample-bulletin-*")):
        issue = read_bulletin(path, columns=settings.columns, back_matter_headings=settings.back_matter_headings)
        for article in issue.articles:
            titles.append(article.title)
            sources.append(article.source or "本刊")
            sentences.extend(s for s in re.split(r"(?<=[。；！？])", article.body) if s.strip())
    return Corpus(titles, sentences, sources)


def articles(corpus: Corpus, size: int, seed: int = 7) -> Iterator[IndexedArticle]:
    """``size`` synthetic articles, the same for the same seed."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)
    for n in range(1, size + 1):
        parts = []
        for _ in range(rng.randint(3, 9)):
            sentence = rng.choice(corpus.sentences)
            if rng.random() < 0.3:
                clauses = sentence.split("，")
                rng.shuffle(clauses)
                sentence = "，".join(clauses)
            parts.append(sentence)
        city, province = rng.choice(REGIONS)
        title, column = rng.choice(corpus.titles), rng.choice(COLUMNS)
        date = start + dt.timedelta(days=rng.randrange(900))
        source, issue = rng.choice(corpus.sources), rng.randint(1, 200)
        yield IndexedArticle(
            id=n,
            title=title,
            body="".join(parts),
            date=date,
            facets={"column": (column,), "source": (source,), "issue": (str(issue),), "region": (city, province)},
            keys={"region": (city, province, city[:-1], province[:-1])},
        )


def query_words(corpus: Corpus, count: int = 26, seed: int = 11) -> list[str]:
    """The fixed words plus random pieces of sample sentences (2–5 characters, often inside words)."""
    rng = random.Random(seed)
    words = list(FIXED_WORDS)
    while len(words) < len(FIXED_WORDS) + count:
        runs = _CJK_RUN.findall(rng.choice(corpus.sentences))
        if not runs:
            continue
        run = rng.choice(runs)
        length = min(len(run), rng.randint(2, 5))
        at = rng.randrange(len(run) - length + 1)
        if run[at : at + length] not in words:
            words.append(run[at : at + length])
    return words


# ---- SQLite FTS5 baseline ------------------------------------------------------------------------


def fts_build(path: Path, docs: Iterator[IndexedArticle]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, col TEXT, day INTEGER, issue INTEGER, src TEXT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='trigram')")
    batch: list[IndexedArticle] = []

    def flush() -> None:
        rows = []
        for a in batch:
            day = a.date.toordinal() if a.date else 0
            rows.append((a.id, a.title, *a.facet("column"), day, *a.facet("issue"), *a.facet("source")))
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", [(a.id, a.title, a.body) for a in batch])
        batch.clear()

    for doc in docs:
        batch.append(doc)
        if len(batch) >= 5000:
            flush()
    flush()
    db.commit()
    return db


def fts_match(words: list[str]) -> str | None:
    """The FTS5 MATCH expression: trigram phrases need three characters, shorter words cannot be asked."""
    usable = [w for w in words if len(w) >= 3]
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in usable) if len(usable) == len(words) else None


def fts_search(db: sqlite3.Connection, words: list[str], column: str | None) -> int:
    match = fts_match(words)
    if match is None:
        return 0
    where = "fts MATCH ?" + (" AND d.col = ?" if column else "")
    args: tuple[str, ...] = (match, column) if column else (match,)
    base = f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where}"
    db.execute(f"SELECT d.id, d.title, bm25(fts) AS s {base} ORDER BY s LIMIT 10", args).fetchall()
    total = 0
    for facet in ("col", "issue", "src"):
        rows = db.execute(f"SELECT d.{facet}, count(*) {base} GROUP BY d.{facet}", args).fetchall()
        total = sum(n for _v, n in rows)
    return total


def fts_ids(db: sqlite3.Connection, words: list[str]) -> set[int]:
    match = fts_match(words)
    return set() if match is None else {r[0] for r in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (match,))}


# ---- the run -------------------------------------------------------------------------------------


def truth(docs: list[IndexedArticle], queries: list[list[str]]) -> list[set[int]]:
    found: list[set[int]] = [set() for _ in queries]
    for doc in docs:
        text = f"{doc.title}\n{doc.body}"
        for i, words in enumerate(queries):
            if all(w in text for w in words):
                found[i].add(doc.id)
    return found


def sampling_report(index: SearchIndex, estimated: list[tuple[Query, int, list[int]]], queries: int) -> str:
    """How the queries counted in a sample fared against counting and ranking every match."""
    if not estimated:
        return f"sampling: none of the {queries} queries was counted in a sample"
    limits, index.count_limits = index.count_limits, Limits(exact=10**12, facets=10**12)
    errors, shared = [], []
    for query, total, top in estimated:
        exact = index.search(query)
        errors.append(abs(total - exact.total) / exact.total)
        shared.append(len(set(top) & {hit.id for hit in exact.hits}) / max(1, len(exact.hits)))
    index.count_limits = limits
    return (
        f"sampling: {len(estimated)} of {queries} queries counted in a sample; estimated totals off by "
        f"{median(errors):.2%} (median), {max(errors):.2%} (largest); their top 10 shares "
        f"{sum(shared) / len(shared):.0%} with the top 10 of ranking every match"
    )


def exactness(answers: list[set[int]], truths: list[set[int]]) -> tuple[float, float]:
    right = sum(len(a & t) for a, t in zip(answers, truths, strict=True))
    hits = sum(len(a) for a in answers)
    relevant = sum(len(t) for t in truths)
    return (right / relevant if relevant else 1.0), (right / hits if hits else 1.0)


def run(size: int, workdir: Path, keep: bool = False) -> None:
    corpus = load_corpus()
    words = query_words(corpus)
    queries = [w.split() for w in words]
    # Made before the clocks start: the build rates are the indexers' own, not the synthesis's. Each
    # engine gets them in its own order: by id for FTS5 (its rowid), policydigest's as reindex adds them.
    docs = list(articles(corpus, size))
    in_build_order = sorted(docs, key=lambda a: build_order(a.id, a.date))
    print(
        f"corpus: {size:,} synthetic articles from {len(corpus.sentences)} sample sentences; "
        f"{len(queries)} queries; machine load {_load()} (2 cores shared: CPU time is the fair figure)"
    )

    folder = workdir / "policydigest-index"
    shutil.rmtree(folder, ignore_errors=True)
    clock = Clock()
    index = SearchIndex.open(folder)
    index.facet_cache_size = 0  # every query measured cold
    index.add(in_build_order, replace=False, heap=BULK_HEAP, threads=BULK_THREADS)
    ours_rate = clock.rates(size)

    fts_path = workdir / "fts5.db"
    fts_path.unlink(missing_ok=True)
    clock = Clock()
    db = fts_build(fts_path, iter(docs))
    fts_rate = clock.rates(size)
    sizes = f"index {_size(folder) / 1e6:,.0f} MB, FTS5 {_size(fts_path) / 1e6:,.0f} MB"
    print(f"built; machine load {_load()}; {sizes}; peak memory {_peak_mb():,.0f} MB")

    # The builds' writes reach the disk before any clock starts: no query is timed against their writeback.
    os.sync()
    searcher = index._searcher()
    index.warm_up()
    # Passes 0 and 1 (each query with and without its column filter) warm every engine up, as a server is
    # warm after its first requests; they are reported apart. Passes 2–4 are the measure.
    ms: dict[str, list[tuple[float, float]]] = {"first": [], "ours": [], "alone": [], "fts": []}
    estimated: list[tuple[Query, int, list[int]]] = []  # sampled queries: estimated total, top 10
    for rep in range(5):
        for n, words_ in enumerate(queries):
            column = COLUMNS[n % 4] if (n + rep) % 2 else None
            query = Query(text=" ".join(words_), columns=[column] if column else [], limit=10)
            ms["ours" if rep >= 2 else "first"].append(timed(partial(index.search, query)))
            if rep == 2 and (found := index.search(query)).approximate:
                estimated.append((query, found.total, [hit.id for hit in found.hits]))
            tq, _ranked = index._queries.build(parse_query(query.text), query)
            alone = timed(partial(searcher.search, tq, limit=10, count=False))
            fts = timed(partial(fts_search, db, words_, column))
            if rep >= 2:
                ms["alone"].append(alone)
                ms["fts"].append(fts)
    print(f"queried; machine load {_load()}")
    print(sampling_report(index, estimated, len(queries)))

    truths = truth(docs, queries)
    ours_answers = [set(index.matching_ids(Query(text=" ".join(q)))) for q in queries]
    fts_answers = [fts_ids(db, q) for q in queries]
    ours_recall, ours_precision = exactness(ours_answers, truths)
    fts_recall, fts_precision = exactness(fts_answers, truths)
    short = [i for i, q in enumerate(queries) if any(len(w) == 2 for w in q)]
    ours_short = exactness([ours_answers[i] for i in short], [truths[i] for i in short])
    fts_short = exactness([fts_answers[i] for i in short], [truths[i] for i in short])

    rows = [
        ("policydigest (tantivy bigrams, 7 facets)", ours_rate, ms["ours"], ours_recall, ours_precision, ours_short),
        ("  its warm-up passes after the build", ours_rate, ms["first"], ours_recall, ours_precision, ours_short),
        ("tantivy alone (same index, top 10 only)", ours_rate, ms["alone"], ours_recall, ours_precision, ours_short),
        ("SQLite FTS5 trigram + bm25 (3 facets)", fts_rate, ms["fts"], fts_recall, fts_precision, fts_short),
    ]
    print(
        f"\n{'engine':42} {'index/s':>9} {'(CPU)':>9} {'p50 ms':>7} {'p99 ms':>7} {'(CPU p50':>9} {'p99)':>6} "
        f"{'recall':>7} {'precis.':>7} {'2-char recall/prec.':>20}"
    )
    for name, (rate, cpu_rate), ms, recall, precision, (r2, p2) in rows:
        wall, cpu = [w for w, _c in ms], [c for _w, c in ms]
        print(
            f"{name:42} {rate:9,.0f} {cpu_rate:9,.0f} {median(wall):7.1f} {percentile(wall, 0.99):7.1f} "
            f"{median(cpu):9.1f} {percentile(cpu, 0.99):6.1f} {recall:7.4f} {precision:7.4f} {r2:9.4f}/{p2:.4f}"
        )
    matched = sum(len(t) for t in truths)
    print(
        f"\nsubstring truth: {matched:,} (query, article) matches over {len(queries)} queries; "
        f"{len(short)} queries hold a two-character word"
    )
    db.close()
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
        fts_path.unlink(missing_ok=True)
    if (ours_recall, ours_precision) != (1.0, 1.0):
        print(f"FAIL: policydigest is not exact (recall {ours_recall:.4f}, precision {ours_precision:.4f})")
        raise SystemExit(1)
    print("OK: policydigest finds exactly the articles that contain the query words")


class Clock:
    """Wall and CPU time since it was made (CPU of every thread of the process: tantivy indexes in its own)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def rates(self, count: int) -> tuple[float, float]:
        """``count`` per wall second, and per CPU second."""
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        return count / wall, count / max(cpu, 1e-9)


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Milliseconds ``call`` takes: wall, and CPU of this thread (searches run on the calling thread)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None, smoke: bool = False) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = SMOKE_SIZE if smoke else int(os.environ.get("BENCH_SEARCH_SIZE", "100000"))
    parser.add_argument("--size", type=int, default=default)
    parser.add_argument("--workdir", type=Path, default=None, help="Where to build the indexes (default: a temp dir).")
    parser.add_argument("--keep", action="store_true", help="Keep the indexes afterwards.")
    args = parser.parse_args(argv or [])
    if args.workdir is None:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            run(args.size, Path(tmp), args.keep)
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args.size, args.workdir, args.keep)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
