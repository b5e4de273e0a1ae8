"""Opening the store: engine, SQLite pragmas, and Alembic migrations to the newest schema."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from policydigest.errors import StoreError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL keeps readers going during an import; foreign keys make cascades real.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that points at the packaged migrations and this engine's URL."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolates "%": a socket path like host=%2Ftmp must be escaped.
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, migrated to the newest schema.

    >>> create_store_engine("sqlite://").dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (try sqlite:///policydigest.db)") from exc
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise StoreError(f"cannot open the store at {parsed!r}: {exc.orig}") from exc
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already."""
    cfg = alembic_config(engine)
    # Stages add their own tables as independent revisions from 0001, so there may be several heads.
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.begin() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        if current == heads:
            return
        log.info("migrating store from %s to %s", sorted(current), sorted(heads))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
