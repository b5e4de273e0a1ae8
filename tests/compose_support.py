"""Helpers for compose and render tests: a store holding the project's sample bulletins and articles."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from policydigest.compose.demo import load_articles, sample_dir, store_articles
from policydigest.ingest.importer import import_paths
from policydigest.settings import Settings
from policydigest.store import Store, open_store

#: A week after the newest sample bulletin (第9期 总第58期, 2025-03-21).
NEXT_ISSUE_DATE = dt.date(2025, 3, 28)


_TEMPLATE: dict[str, Path] = {}


def _template() -> Path:
    # Importing the samples takes a second; each test gets a copy of one store made per session.
    if "db" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="policydigest-samples-"))
        # Compose tests draft from stored columns and names: enrichment stays off unless a test adds it.
        settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}", enrich_on_import=False)
        store = open_store(settings.database_url)
        report = import_paths([sample_dir()], store, settings)
        assert not report.failed, report.as_dict()
        store_articles(store, load_articles(sample_dir() / "articles.json"))
        with store.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.engine.dispose()
        _TEMPLATE["db"] = folder / "store.db"
    return _TEMPLATE["db"]


def sample_store(folder: Path) -> tuple[Store, Settings]:
    """A fresh SQLite store with the two sample bulletins and the sample web articles."""
    target = folder / "store.db"
    shutil.copyfile(_template(), target)
    settings = Settings(database_url=f"sqlite:///{target}")
    return open_store(settings.database_url), settings


def article_id(store: Store, title_start: str) -> int:
    """The id of the stored article whose title starts with ``title_start`` (exactly one)."""
    from sqlalchemy import select

    from policydigest.store.schema import ArticleRow

    with store.session() as session:
        ids = list(session.scalars(select(ArticleRow.id).where(ArticleRow.title.startswith(title_start))))
    assert len(ids) == 1, (title_start, ids)
    return ids[0]
