"""A throwaway PostgreSQL server from the machine's own binaries, for the tests and the benchmarks.

``initdb``/``pg_ctl`` of the Debian ``postgresql`` package (``./run setup`` installs it) make a server
in a temp dir, listening on 127.0.0.1 on a free port with trust auth; it is stopped and removed at
the end. As root it runs as the ``postgres`` system user, because ``initdb`` refuses root.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


class PostgresUnavailableError(RuntimeError):
    """No throwaway server can be started here; the message says what to install."""


def _postgres_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: pg_config's, else the newest Debian one."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
            candidates.append(Path(out.stdout.strip()))
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    return next((d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server; ``create_database()`` gives a fresh, empty database's URL."""

    port: int
    user: str = "postgres"

    _names = itertools.count(1)

    def admin_dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        # FORCE ends connections a test left open (PostgreSQL >= 13).
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')




@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """A running throwaway server for the duration of the block."""
    bindir = _postgres_bindir()
    if bindir is None:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: "
            "run `./run setup` to install the `postgresql` package"
        )
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None or subprocess.run(["id", "postgres"], capture_output=True).returncode:
            raise PostgresUnavailableError(
                "running as root needs the `postgres` system user and runuser: run `./run setup`"
            )
        as_user = ["runuser", "-u", "postgres", "--"]
    # mkdtemp, not pytest's tmp_path: its root-owned 0700 base dir would keep the postgres user out.
    base = Path(tempfile.mkdtemp(prefix="policydigest-pg-"))
    data, log = base / "data", base / "server.log"
    if as_user:
        shutil.chown(base, "postgres", "postgres")

    def pg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*as_user, *args], cwd=base, capture_output=True, text=True, timeout=120)

    try:
        done = pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        if done.returncode:
            raise PostgresUnavailableError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        for _attempt in range(3):  # another process may grab the free port before the server binds it
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c max_connections=200 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            started = pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                         "-o", options, "start")  # fmt: skip
            if started.returncode == 0:
                break
        else:
            raise PostgresUnavailableError(f"pg_ctl start failed:\n{started.stderr}\n{log.read_text()}")
        try:
            yield PostgresServer(port=port)
        finally:
            pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
