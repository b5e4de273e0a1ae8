"""Web app under load: `wrk` against `policydigest serve` on 127.0.0.1 (issue 4, acceptance 7).

A store is built from the project's own sample bulletins and web articles, enriched and indexed; then
`policydigest serve` runs as its own process and `wrk` loads, for BENCH_WEB_SECONDS each (default 30):
a static file (the server's floor, the baseline of this run), an issue page (page cache on, as served,
and off), a search page with a query and a facet filter, and the Atom feed of new issues. Every answer
must be a 2xx with no socket error; requests/s and latency p50/p99 are printed. ``--smoke``: 1 s per row,
the cached server only.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from policydigest.compose.demo import load_articles, store_articles
from policydigest.enrich.pipeline import build_pipeline
from policydigest.enrich.runner import enrich_store
from policydigest.ingest.importer import import_paths
from policydigest.settings import Settings
from policydigest.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "policydigest" / "data" / "sample"
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "30"))
SMOKE_SECONDS = 1
THREADS, CONNECTIONS = 2, 16
#: Seconds wrk waits for an answer: a slow answer on a loaded machine shows in p99, not as an error (wrk's 2 s).
TIMEOUT = 10
ISSUE = "/issues/57"
SEARCH = "/search?q=%E7%AE%97%E5%8A%9B&column=%E5%9C%B0%E6%96%B9%E6%96%B0%E6%94%BF"  # 算力 in 地方新政
FEED = "/feeds/issues.atom"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Load:
    """What wrk measured for one URL."""

    name: str
    path: str
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors (connect, read, write, timeout)
    kb: float  # size of one answer


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> tuple[int, float, float, float, int]:
    """Requests, requests/s, p50 and p99 in ms, and errors from `wrk --latency` output.

    >>> parse_wrk("    Latency  5.1ms  2.0ms  40.0ms  72.99%\\n  50%  1.20ms\\n  99%  10.50ms\\n"
    ...           "  3000 requests in 10.00s, 1.00MB read\\n"
    ...           "  Socket errors: connect 0, read 1, write 0, timeout 2\\nRequests/sec:    300.00\\n")
    (3000, 300.0, 1.2, 10.5, 3)
    """
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    # Percentile lines start the line; the thread-stats line also ends in a percentage.
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, rate, p50, p99, errors + (int(found.group(1)) if found else 0)


def build_store(folder: Path) -> Settings:
    """The sample bulletins and web articles, enriched, in a SQLite store in ``folder``."""
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}", index_path=folder / "index")
    store = open_store(settings.database_url)
    import_paths([SAMPLES], store, settings)
    store_articles(store, load_articles(SAMPLES / "articles.json"))
    enrich_store(store, build_pipeline(settings, None))
    return settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(settings: Settings, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """`policydigest serve` in its own process; returns it and its base URL once it answers."""
    port = _free_port()
    environment = {
        **os.environ,
        "POLICYDIGEST_DATABASE_URL": settings.database_url,
        "POLICYDIGEST_INDEX_PATH": str(settings.index_path),
        "POLICYDIGEST_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "policydigest", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a loaded machine: opening the store and its search index takes a while
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/issues", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("policydigest serve did not start")


def load(name: str, base: str, path: str, seconds: int = SECONDS) -> Load:
    """`wrk` for ``seconds`` against one URL."""
    size = len(httpx.get(base + path, timeout=10).content)
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT}s", "--latency",
               base + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, rate, p50, p99, errors = parse_wrk(output)
    return Load(name, path, requests, rate, p50, p99, errors, size / 1024)


def main(smoke: bool = False) -> None:
    seconds = SMOKE_SECONDS if smoke else SECONDS
    console = Console()
    if shutil.which("wrk") is None:
        console.print("[red]wrk is not installed[/] (Debian package wrk; ./run setup installs it)")
        raise SystemExit(1)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        started = time.perf_counter()
        settings = build_store(Path(tmp))
        console.print(
            f"store built and enriched in {time.perf_counter() - started:.1f} s; wrk {seconds} s per row, "
            f"{THREADS} threads, {CONNECTIONS} connections, 2-core machine shared with wrk"
        )
        results: list[Load] = []
        servers = [
            (
                "30",
                [
                    ("static file (baseline)", "/static/site.css"),
                    ("issue page", ISSUE),
                    ("search page", SEARCH),
                    ("issues feed (Atom)", FEED),
                ],
            ),
            ("0", [("issue page, no page cache", ISSUE)]),
        ]
        for cache, rows in servers[:1] if smoke else servers:  # smoke: one server start, not two
            process, base = serve(settings, POLICYDIGEST_WEB_CACHE_SECONDS=cache)
            try:
                results += [load(name, base, path, seconds) for name, path in rows]
            finally:
                process.terminate()
                process.wait(10)
    table = Table("load", "path", "requests", "req/s", "p50 ms", "p99 ms", "errors", "KB/answer")
    for r in results:
        table.add_row(
            r.name,
            r.path[:40],
            str(r.requests),
            f"{r.rate:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            str(r.errors),
            f"{r.kb:.1f}",
        )
    console.print(table)
    floor = results[0].rate
    for r in results[1:]:
        console.print(f"{r.name}: {r.rate / floor:.0%} of the static-file rate")
    if any(r.errors for r in results):
        console.print("[red]FAIL[/]: errors under load")
        raise SystemExit(1)
    console.print("OK: no errors under load")
