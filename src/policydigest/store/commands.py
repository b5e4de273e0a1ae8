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
    """把存储的结构升级到本版本最新的修订（每个命令打开存储时也会这样做）。"""
    settings = state.get_settings()
    try:
        before, after = schema_revisions(settings.database_url)
    except StoreError as exc:
        raise fail(str(exc), "请检查 --db 或 POLICYDIGEST_DATABASE_URL") from None
    if before == after:
        console.print(f"数据库结构已是最新（{', '.join(after)}）")
    else:
        console.print(f"数据库结构已升级：{', '.join(before) or '空库'} → {', '.join(after)}")


def backup_command(
    target: Annotated[Path, typer.Argument(help="备份写入的文件（必须尚不存在）。")],
) -> None:
    """为整个存储写一份一致的备份（SQLite 用备份 API，PostgreSQL 用 pg_dump）。"""
    settings = state.get_settings()
    try:
        written = backup_store(settings.database_url, target)
    except StoreError as exc:
        raise fail(str(exc), "请换一个新文件名，或检查 --db") from None
    console.print(f"已备份到 {written}（{written.stat().st_size:,} 字节）")


def restore_command(
    source: Annotated[Path, typer.Argument(help="由 `policydigest backup` 写出的备份。")],
    yes: Annotated[bool, typer.Option("--yes", help="不询问，直接替换存储。")] = False,
) -> None:
    """用备份替换整个存储，然后据此重建检索索引。"""
    settings = state.get_settings()
    if not yes and not typer.confirm(f"用 {source} 替换整个数据库？", default=False):
        raise typer.Exit(1)
    try:
        restore_store(settings.database_url, source)
    except StoreError as exc:
        raise fail(str(exc), "请用同类存储（SQLite 或 PostgreSQL）做的备份来恢复") from None
    open_cli_store().engine.dispose()  # opening migrates a backup taken by an older version
    reindex_command()
    console.print(f"已从 {source} 恢复")
