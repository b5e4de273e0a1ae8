"""Backup and restore of the whole store: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

The search index is derived data and is not in a backup: after a restore it is rebuilt from the store.
A backup is one file: a SQLite database, or a pg_dump archive in its custom format.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from policydigest.errors import StoreError
from policydigest.store.db import libpq_url

log = logging.getLogger(__name__)
#: The magic string that starts every pg_dump custom-format archive.
_PG_ARCHIVE = b"PGDMP"
_SQLITE_FILE = b"SQLite format 3\x00"


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：postgresql-client）")
    return found


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise StoreError(f"{what} 失败：{last}")


def backup_store(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the store at ``database_url`` to ``target`` (refuses to overwrite a file).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = sqlite3.connect(folder / "a.db").execute("CREATE TABLE t (x)")
    >>> backup_store(f"sqlite:///{folder / 'a.db'}", folder / "a.backup").read_bytes()[:15]
    b'SQLite format 3'
    """
    url = make_url(database_url)
    if target.exists():
        raise StoreError(f"{target} 已存在：请为备份换一个新文件名")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path(url)
    if source is not None:
        if not source.is_file():
            raise StoreError(f"{source} 处没有存储")
        # The online backup API copies page by page under a read lock: writers may go on meanwhile.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    elif url.get_backend_name() == "postgresql":
        partial = target.with_name(target.name + ".partial")
        argv = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", libpq_url(database_url)]
        _run(argv, "pg_dump")
        partial.rename(target)  # a killed dump never leaves a file that looks complete
    else:
        raise StoreError(f"无法备份 {url.get_backend_name()} 存储：只支持 SQLite 文件和 PostgreSQL")
    log.info("backed up %s to %s", url.render_as_string(hide_password=True), target)
    return target


def restore_store(database_url: str, source: Path) -> None:
    """Replace the whole store at ``database_url`` with the backup in ``source``, in one transaction.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = sqlite3.connect(folder / "a.db").execute("CREATE TABLE t (x)")
    >>> restore_store(f"sqlite:///{folder / 'b.db'}", backup_store(f"sqlite:///{folder / 'a.db'}", folder / "k"))
    >>> sqlite3.connect(folder / "b.db").execute("SELECT name FROM sqlite_master").fetchall()
    [('t',)]
    """
    url = make_url(database_url)
    if not source.is_file():
        raise StoreError(f"{source} 处没有备份")
    head = source.read_bytes()[:16]
    target = _sqlite_path(url)
    if target is not None:
        if head != _SQLITE_FILE:
            raise StoreError(f"{source} 不是 SQLite 备份（PostgreSQL 存储要用 pg_dump 归档恢复）")
        target.parent.mkdir(parents=True, exist_ok=True)
        # The backup API writes every page in one transaction: a reader sees the old store or the new one.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    elif url.get_backend_name() == "postgresql":
        if not head.startswith(_PG_ARCHIVE):
            raise StoreError(f"{source} 不是 pg_dump 归档（SQLite 存储要用 SQLite 备份恢复）")
        argv = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*argv, f"--dbname={libpq_url(database_url)}", str(source)], "pg_restore")
    else:
        raise StoreError(f"无法恢复 {url.get_backend_name()} 存储：只支持 SQLite 文件和 PostgreSQL")
    log.info("restored %s from %s", url.render_as_string(hide_password=True), source)
