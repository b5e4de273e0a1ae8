"""Command line of the store: ``migrate``, ``backup`` and ``restore`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policydigest.console import console, fail, open_cli_store, state
from policydigest.errors import StoreError
from policydigest.search.commands import reindex_command
from policydigest.store.backup import backup_store, restore_store
from policydigest.store.db import schema_revisions


def migrate_command() -> None:
    """Bring the store's schema to this version's newest revision (every command also does it on open)."""
    settings = state.get_settings()
    try:
        before, after = schema_revisions(settings.database_url)
    except StoreError as exc:
        raise fail(str(exc), "check --db or POLICYDIGEST_DATABASE_URL") from None
    if before == after:
        console.print(f"数据库结构已是最新（{', '.join(after)}）")
    else:
        console.print(f"数据库结构已升级：{', '.join(before) or '空库'} → {', '.join(after)}")


def backup_command(
    target: Annotated[Path, typer.Argument(help="File to write the backup to (must not exist yet).")],
) -> None:
    """Write a consistent backup of the whole store (SQLite backup API, or pg_dump for PostgreSQL)."""
    settings = state.get_settings()
    try:
        written = backup_store(settings.database_url, target)
    except StoreError as exc:
        raise fail(str(exc), "pick a new file name, or check --db") from None
    console.print(f"已备份到 {written}（{written.stat().st_size:,} 字节）")


def restore_command(
    source: Annotated[Path, typer.Argument(help="A backup written by `policydigest backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the store without asking.")] = False,
) -> None:
    """Replace the whole store with a backup, then rebuild the search index from it."""
    settings = state.get_settings()
    if not yes and not typer.confirm(f"用 {source} 替换整个数据库？", default=False):
        raise typer.Exit(1)
    try:
        restore_store(settings.database_url, source)
    except StoreError as exc:
        raise fail(str(exc), "restore a backup made from the same kind of store (SQLite or PostgreSQL)") from None
    open_cli_store().engine.dispose()  # opening migrates a backup taken by an older version
    reindex_command()
    console.print(f"已从 {source} 恢复")
