"""Opening the store: engine, SQLite transactions, and Alembic migrations to the newest schema."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from policydigest.errors import StoreError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
#: Execution option naming how a SQLite transaction begins: "DEFERRED" (readers) or "IMMEDIATE" (writers).
SQLITE_BEGIN = "policydigest_sqlite_begin"
_MIGRATION_LOCK = 0x706F6C6963  # any fixed number: PostgreSQL advisory lock serialising migrations


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions away from the sqlite3 module, which would run DDL outside any transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL keeps readers going during an import; foreign keys make cascades real.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so a writer's read-then-write cannot be overtaken.
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def writer(engine: Engine) -> Engine:
    """The same engine, for transactions that will write (SQLite: ``BEGIN IMMEDIATE``).

    >>> writer(create_store_engine("sqlite://")).get_execution_options()[SQLITE_BEGIN]
    'IMMEDIATE'
    """
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that points at the packaged migrations and this engine's URL."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # The config is a ConfigParser: a literal % (in a password or path) must be doubled.
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def create_store_engine_unmigrated(url: str) -> Engine:
    """An engine for ``url`` as it is, schema untouched (``migrate`` brings it up to date).

    >>> create_store_engine_unmigrated("sqlite://").dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"不是数据库 URL：{url!r}（试试 sqlite:///policydigest.db）") from exc
    try:
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if parsed.drivername.startswith("sqlite") and parsed.database in (None, "", ":memory:"):
            # One in-memory database shared by every thread (web requests run in worker threads).
            engine = create_engine(parsed, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            engine = create_engine(parsed)
    except (ArgumentError, ImportError, OSError) as exc:
        raise StoreError(f"无法打开存储 {parsed.render_as_string(hide_password=True)}：{exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, migrated to the newest schema; any failure is a ``StoreError``.

    >>> create_store_engine("sqlite://").dialect.name
    'sqlite'
    """
    engine = create_store_engine_unmigrated(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        shown = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"无法打开存储 {shown}：{reason}") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision in one transaction; a no-op when it is there already.

    Raises ``StoreError`` when the store was written by a newer policydigest (an unknown revision).
    """
    cfg = alembic_config(engine)
    scripts = ScriptDirectory.from_config(cfg)
    # Stages add their own tables as independent revisions from 0001, so there may be several heads.
    heads = set(scripts.get_heads())
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            # A second process opening a new store waits here, then finds it migrated.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        current = set(MigrationContext.configure(connection).get_current_heads())
        if current == heads:
            return
        unknown = sorted(rev for rev in current if not _known(scripts, rev))
        if unknown:
            raise StoreError(
                f"存储的结构版本是 {', '.join(unknown)}，这个版本的 policydigest 不认识："
                "它是由更新的版本写入的"
            )
        log.info("migrating store from %s to %s", sorted(current), sorted(heads))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


def schema_revisions(url: str) -> tuple[list[str], list[str]]:
    """The store's schema revisions before and after bringing it to the newest (``migrate`` on open).

    >>> schema_revisions("sqlite://")[1] == sorted(ScriptDirectory(str(MIGRATIONS)).get_heads())
    True
    """
    engine = create_store_engine_unmigrated(url)
    try:
        with engine.connect() as connection:
            before = sorted(MigrationContext.configure(connection).get_current_heads())
        migrate(engine)
        with engine.connect() as connection:
            after = sorted(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return before, after


def libpq_url(database_url: str) -> str:
    """The store's PostgreSQL URL as libpq tools (pg_dump, psycopg pools) want it: no "+driver" suffix.

    >>> libpq_url("postgresql+psycopg://pd:secret@db:5432/policydigest")
    'postgresql://pd:secret@db:5432/policydigest'
    """
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
