"""Store stage: issues and articles in SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

from policydigest.store.db import create_store_engine
from policydigest.store.repository import IssueSummary, SaveStatus, Store


def open_store(url: str) -> Store:
    """Open (and migrate) the store at ``url``.

    >>> open_store("sqlite://").count_articles()
    0
    """
    return Store(create_store_engine(url))


__all__ = ["IssueSummary", "SaveStatus", "Store", "open_store"]
