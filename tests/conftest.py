"""Shared fixtures: where ../shared is, and the project's own sample data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "expected"
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_DIR = ROOT / "src" / "policydigest" / "data" / "sample"


def find_shared() -> Path | None:
    """The read-only ../shared folder (POLICYDIGEST_SHARED overrides; worktrees fall back to /work/shared)."""
    for candidate in (os.environ.get("POLICYDIGEST_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if candidate and Path(candidate, "bulletins").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = find_shared()
    if found is None:
        pytest.skip("../shared is not beside the repository")
    return found


def load_expected(name: str) -> Any:
    """A pinned expectation file from tests/expected/ (a list of issues, or one issue)."""
    return json.loads((EXPECTED / name).read_text(encoding="utf-8"))


# ---- web ingest: a real HTTP server on 127.0.0.1 serving tests/fixtures/web ----------------------


@pytest.fixture(scope="session")
def web_server() -> Any:
    from web_server import FixtureServer

    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def web(web_server: Any) -> Any:
    """The fixture server, its request log and counters cleared."""
    web_server.state.reset()
    web_server.slow_article_delay = 0.0
    return web_server


@pytest.fixture
def web_settings(tmp_path: Path) -> Any:
    """Settings for crawling the fixture server: 127.0.0.1 allowed, no pacing, short limits."""
    from policydigest.settings import Settings

    return Settings(
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        fetch_allowed_networks=["127.0.0.1/32"],
        fetch_host_delay=0.0,
        fetch_backoff=0.05,
        fetch_timeout=2.0,
        fetch_deadline=5.0,
        fetch_retries=2,
        fetch_max_retry_after=5.0,
        fetch_concurrency=2,
    )
