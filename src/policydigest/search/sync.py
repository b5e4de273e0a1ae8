"""Keeping the search index in step with the store, and rebuilding it from the store.

``attach_search_index`` subscribes to the store's change feed (``Store.changes``): after every
committed write the touched articles are re-read and re-indexed, and those gone are removed.
A failure to update the index never fails the write: the ids are kept in ``pending.json`` beside
the index and applied with the next write (or by ``policydigest reindex``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from policydigest.errors import SearchIndexError
from policydigest.search.counting import Limits
from policydigest.search.documents import iter_store_articles, load_articles
from policydigest.search.index import BULK_HEAP, BULK_THREADS, SearchIndex
from policydigest.search.schema import SCHEMA_VERSION, build_order
from policydigest.search.semantic import MODEL_NAME, SemanticIndex, model
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.schema import ArticleRow

log = logging.getLogger(__name__)

PENDING_FILE = "pending.json"
#: Seconds of recent changes read again on each follow (see ``ArticleChanges.since``).
FOLLOW_OVERLAP = 30.0


def default_index_path(database_url: str) -> Path | None:
    """Where the index lives when ``index_path`` is not set: beside a SQLite file, else in the
    working folder; None (in memory) for an in-memory SQLite store.

    >>> default_index_path("sqlite:///data/policydigest.db")
    PosixPath('data/policydigest.db.search')
    >>> default_index_path("sqlite://") is None
    True
    """
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        if url.database in (None, "", ":memory:"):
            return None
        db = Path(url.database)
        return db.with_name(db.name + ".search")
    return Path("policydigest-search")


def index_folder(settings: Settings) -> Path | None:
    """The index folder for these settings (``index_path``, or the default beside the store)."""
    return settings.index_path or default_index_path(settings.database_url)


def rebuild_index(
    store: Store,
    folder: Path | None,
    *,
    on_total: Callable[[int], None] | None = None,
    on_article: Callable[[], None] | None = None,
    semantic: bool = False,
) -> SearchIndex:
    """A fresh index of every stored article; on disk it is built aside and then swapped in, so
    searches keep working on the old one meanwhile. ``semantic``: with vectors for semantic recall
    (those of unchanged articles are taken from the old index).

    >>> from policydigest.store import open_store
    >>> rebuild_index(open_store("sqlite://"), None).count()
    0
    """
    if on_total:
        on_total(store.count_articles())
    target = SearchIndex.in_memory() if folder is None else None
    building = folder.with_name(folder.name + f".new-{os.getpid()}") if folder is not None else None
    if building is not None:
        shutil.rmtree(building, ignore_errors=True)
        target = SearchIndex.open(building)
    assert target is not None
    if semantic:
        target.semantic = SemanticIndex(building, reuse=folder)

    # By month and sample slot: a sample and the newest days are then a few runs of the index (build_order).
    articles = (article for batch in iter_store_articles(store, key=build_order) for article in batch)
    stamp = store_stamp(store)
    target.add(articles, replace=False, heap=BULK_HEAP, threads=BULK_THREADS, on_article=on_article)
    target.record(store=stamp)
    if folder is None or building is None:
        return target
    del target
    old = folder.with_name(folder.name + f".old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    building.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    opened = SearchIndex.open(folder, create=False)
    opened.semantic = SemanticIndex(folder) if semantic else None
    return opened


def store_stamp(store: Store) -> str:
    """A mark of the store's identity: its first article (a store deleted and made anew differs).

    >>> from policydigest.store import open_store
    >>> store_stamp(open_store("sqlite://"))
    'empty'
    """
    with store.session() as session:
        first = session.execute(select(ArticleRow.id, ArticleRow.content_hash).order_by(ArticleRow.id).limit(1)).first()
    return "empty" if first is None else f"{first.id}:{first.content_hash[:16]}"


class IndexSync:
    """Applies the store's changes to the search index (the listener ``attach_search_index`` adds)."""

    def __init__(
        self,
        store: Store,
        folder: Path | None,
        synonyms_file: Path | None = None,
        *,
        semantic: bool = False,
        count_limits: Limits | None = None,
    ) -> None:
        self.store = store
        self.folder = folder
        self.synonyms_file = synonyms_file
        self.semantic = semantic
        self.count_limits = count_limits or Limits()
        self._index: SearchIndex | None = None
        self._fresh = False
        self._cursor = 0  # the last change of the store's change feed that this index holds

    @property
    def index(self) -> SearchIndex:
        """The index, opened on first use; built from the store if there was none yet."""
        if self._index is None:
            if self.folder is None or not (self.folder / "tantivy").is_dir():
                self._index = self._rebuild()
            elif SearchIndex.version_at(self.folder) != SCHEMA_VERSION:
                # Derived data of an older program (another schema): build it anew.
                log.warning("the search index at %s is of another schema version; rebuilding it", self.folder)
                self._fresh = True
                self._index = self._rebuild()
            else:
                opened = SearchIndex.open(self.folder)
                if opened.info().get("store") != store_stamp(self.store):
                    # Built from another store (deleted and made anew, or another file): start afresh.
                    log.warning("the search index at %s was built from another store; rebuilding it", self.folder)
                    del opened
                    self._fresh = True
                    self._index = self._rebuild()
                else:
                    self._index = opened
                    self._cursor = int(opened.info().get("change", 0))
        self._index.synonyms_file = self.synonyms_file
        self._index.count_limits = self.count_limits
        if self.semantic and self._index.semantic is None:
            self._attach_semantic(self._index)
        return self._index

    def _attach_semantic(self, index: SearchIndex) -> None:
        """Give an index opened from disk its vectors, embedding the articles that have none yet
        (semantic recall switched on after the index was built) and dropping those of deleted ones."""
        index.semantic = SemanticIndex(self.folder)
        indexed, embedded = index.ids(), index.semantic.ids()
        if embedded - indexed:
            index.semantic.delete(embedded - indexed)
        missing = indexed - embedded
        if missing:
            log.info("semantic search: embedding %d article(s) indexed without vectors", len(missing))
            self.apply(missing)

    def _rebuild(self) -> SearchIndex:
        start = self.store.changes.latest()  # read first: changes made during the build are followed later
        index = rebuild_index(self.store, self.folder, semantic=self.semantic)
        self._set_cursor(index, start)
        return index

    def _set_cursor(self, index: SearchIndex, cursor: int) -> None:
        if cursor != self._cursor:
            self._cursor = cursor
            index.record(change=cursor)

    def follow(self) -> int:
        """Apply what other processes committed since the last follow (workers, other nodes); how many articles.

        >>> from policydigest.store import open_store
        >>> IndexSync(open_store("sqlite://"), None).follow()
        0
        """
        index = self.index
        ids, cursor = self.store.changes.since(self._cursor, overlap=FOLLOW_OVERLAP)
        if ids:
            self.apply(ids)
        self._set_cursor(index, cursor)
        return len(ids)

    def _pending_file(self) -> Path | None:
        return self.folder / PENDING_FILE if self.folder is not None else None

    def pending(self) -> set[int]:
        """Ids whose change has not reached the index yet."""
        path = self._pending_file()
        if path is None or not path.is_file():
            return set()
        try:
            return {int(i) for i in json.loads(path.read_text(encoding="utf-8"))}
        except (OSError, ValueError):
            log.warning("unreadable %s: run `policydigest reindex` to be sure the index is complete", path)
            return set()

    def _save_pending(self, ids: set[int]) -> None:
        path = self._pending_file()
        if path is None:
            return
        if not ids:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(ids)), encoding="utf-8")
        tmp.replace(path)

    def apply(self, ids: frozenset[int] | set[int]) -> None:
        """Re-index these articles from the store (and drop those no longer stored)."""
        self._fresh = self._index is None and (self.folder is None or not (self.folder / "tantivy").is_dir())
        index = self.index
        if self._fresh:
            return  # just built from the store, these changes included
        articles = load_articles(self.store, ids)
        gone = set(ids) - {a.id for a in articles}
        if articles:
            index.add(articles)
        if gone:
            index.delete(gone)

    def __call__(self, ids: frozenset[int]) -> None:
        wanted = set(ids) | self.pending()
        try:
            self.apply(wanted)
        except (SearchIndexError, OSError, ValueError) as exc:
            log.warning("search index not updated for %d article(s) (%s); kept for the next write", len(wanted), exc)
            self._save_pending(wanted)
            return
        self._save_pending(set())


def attach_search_index(store: Store, settings: Settings) -> IndexSync:
    """Keep the index of ``settings`` in step with every write to ``store`` from now on.

    >>> from policydigest.store import open_store
    >>> sync = attach_search_index(open_store("sqlite://"), Settings(database_url="sqlite://"))
    >>> sync.index.count()
    0
    """
    sync = IndexSync(
        store,
        index_folder(settings),
        settings.search_synonyms_file,
        semantic=settings.search_semantic,
        count_limits=Limits.up_to(settings.search_exact_counts_up_to),
    )
    if settings.search_semantic:
        model()  # a missing extra is told now, not at the first search
    log.info("semantic search: %s", f"on ({MODEL_NAME})" if settings.search_semantic else "off")
    store.changes.subscribe(sync)
    return sync
