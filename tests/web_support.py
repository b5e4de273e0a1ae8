"""A real store for the web tests, built once per run: the project's sample bulletins and web articles,
the shared bulletins (when ../shared is there), a hostile issue (markup in every field), all enriched
by the real pipeline and indexed by the real search index.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from policydigest.compose.demo import load_articles, store_articles
from policydigest.enrich.pipeline import build_pipeline
from policydigest.enrich.runner import enrich_store
from policydigest.ingest.importer import import_paths
from policydigest.model import Issue
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.web import create_app
from tests.conftest import FIXTURES, SAMPLE_DIR, find_shared

log = logging.getLogger(__name__)

HOSTILE_ISSUE = FIXTURES / "render" / "hostile-issue.json"
#: The hostile issue's first article: its title carries a script element.
HOSTILE_TITLE = "标题<script>alert(1)</script>"
#: Raw markup that must never reach a page or a feed unescaped.
RAW_MARKUP = ("<script>alert", "<iframe src=x>", "<svg onload", "<img src=x onerror", 'href="javascript:')


@dataclass(frozen=True)
class Site:
    """The built store: its settings (SQLite file and index folder) and what it holds."""

    settings: Settings
    shared: bool  # whether the shared bulletins were imported

    def store(self) -> Store:
        return open_store(self.settings.database_url)

    def app(self, **changes: object) -> FastAPI:
        """A web app over the store (settings changed by ``changes``)."""
        return create_app(Settings.model_validate({**self.settings.model_dump(), **changes}))


def build_site(root: Path) -> Site:
    """Import, enrich and index everything into ``root`` (the ``web_site`` fixture does it once per run)."""
    started = time.perf_counter()
    settings = Settings(
        database_url=f"sqlite:///{root / 'site.db'}",
        index_path=root / "index",
        catalogue_file=None,
        web_open_library=True,  # the reader tests read every article; test_web_visibility tests the default
    )
    store = open_store(settings.database_url)
    shared = find_shared()
    paths = [SAMPLE_DIR] + ([shared / "bulletins"] if shared else [])
    report = import_paths(paths, store, settings)
    assert not report.failed, report.as_dict()
    store_articles(store, load_articles(SAMPLE_DIR / "articles.json"))
    store.save_issue(Issue.model_validate_json(HOSTILE_ISSUE.read_text(encoding="utf-8")))
    enrich_store(store, build_pipeline(settings, None))
    log.info("web test site built in %.1f s", time.perf_counter() - started)
    return Site(settings=settings, shared=shared is not None)


def without_svg(html: str) -> str:
    """A page without its inline SVG images (QR codes): what "before images" counts."""
    return re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on 127.0.0.1; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
