"""Shared fixtures for the whole test suite. Keep each one small and documented here.

Store back ends
---------------
``store_url`` gives a fresh, empty store URL and is parametrised over both back ends, so every
test that uses it runs twice in the same run: ``[sqlite]`` (a file in ``tmp_path``) and
``[postgresql]`` (a new database on a throwaway server; marked ``postgres``).

The throwaway PostgreSQL server (``postgres_server``, once per session) is started from the
machine's own binaries (``initdb``/``pg_ctl`` from the Debian ``postgresql`` package, which
``./run setup`` installs) in a temp dir, listening on 127.0.0.1 on a free port with trust auth,
and is stopped and removed at the end. As root it runs as the ``postgres`` system user, because
``initdb`` refuses root. Missing binaries FAIL the PostgreSQL tests (run ``./run setup``), unless
``POLICYDIGEST_SKIP_POSTGRES=1`` is set: then they are skipped. ``-m "not postgres"`` deselects them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import PostgresServer, PostgresUnavailableError, throwaway_postgres

SKIP_POSTGRES_ENV = "POLICYDIGEST_SKIP_POSTGRES"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole session (see the module docstring)."""
    if os.environ.get(SKIP_POSTGRES_ENV) == "1":
        pytest.skip(f"{SKIP_POSTGRES_ENV}=1: PostgreSQL tests skipped")
    try:
        with throwaway_postgres() as server:
            yield server
    except PostgresUnavailableError as exc:
        pytest.fail(f"{exc} (or set {SKIP_POSTGRES_ENV}=1 to skip the PostgreSQL tests)", pytrace=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty store, once per back end: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def other_store_url(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second fresh, empty store on the same back end as ``store_url`` (restores and copies)."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


# ---- shared material and the project's own sample data ----------------------------------------

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
    web_server.files.clear()
    return web_server


@pytest.fixture(scope="session")
def attachment_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """One notice as every attachment format, made by the test suite once (tests/attachment_files.py).

    Keys: pdf, docx, doc, wps (Word 97 binary by LibreOffice, as WPS Office writes), ofd, xlsx, scan
    (an image-only PDF of the same text, for OCR).
    """
    import attachment_files as made

    folder = tmp_path_factory.mktemp("attachments")
    docx = made.docx_bytes()
    doc = made.office_binary(folder, docx)
    return {
        "pdf": made.typst_pdf(folder),
        "docx": docx,
        "doc": doc,
        "wps": doc,
        "ofd": made.ofd_bytes(),
        "xlsx": made.xlsx_bytes(),
        "scan": made.scanned_pdf(folder),
    }


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


# ---- the web test site and a real browser ----------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The samples, the shared bulletins and a hostile issue, imported, enriched and indexed once per run."""
    from tests.web_support import build_site

    return build_site(tmp_path_factory.mktemp("web-site"))


@pytest.fixture(scope="module")
def client(site: Any) -> Iterator[Any]:
    """A TestClient over the web test site's app."""
    from fastapi.testclient import TestClient

    with TestClient(site.app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (./run setup installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


#: axe-core, vendored: the accessibility checker run inside pages.
AXE = ROOT / "tests" / "vendor" / "axe.min.js"


def serious_axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe violations of the page now open in ``page``."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
