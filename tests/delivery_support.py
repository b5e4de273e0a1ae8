"""Shared pieces of the delivery tests: settings pointing at a loopback SMTP server, a store with an issue."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from policydigest.model import Issue
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from tests.conftest import FIXTURES

PUBLIC_URL = "https://digest.example.org"
ISSUE = FIXTURES / "fictional-issue.json"


def delivery_settings(root: Path, port: int, **changes: object) -> Settings:
    """Settings for a store in ``root`` sending through 127.0.0.1:``port`` without waits."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{root / 'store.db'}",
        "index_path": root / "index",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_backoff": 0.01,
        "smtp_timeout": 5.0,
        "mail_from": "大数据发展动态 <digest@example.org>",
        "public_url": PUBLIC_URL,
        "delivery_secret": SecretStr("test-secret-not-for-production"),
        "bounce_token": SecretStr("bounce-test-token"),
    }
    values.update(changes)
    return Settings.model_validate(values)


def store_with_issue(settings: Settings, total_number: int | None = None) -> tuple[Store, Issue]:
    """The settings' store holding the fictional issue (as 总第``total_number``期 when given)."""
    store = open_store(settings.database_url)
    issue = Issue.model_validate_json(ISSUE.read_text(encoding="utf-8"))
    if total_number is not None:
        issue = issue.model_copy(update={"total_number": total_number, "number": total_number})
    store.save_issue(issue)
    return store, store.get_issue(issue.total_number)


def local_path(url: str) -> str:
    """The path and query of a link under ``PUBLIC_URL`` (to follow it on the test client)."""
    assert url.startswith(PUBLIC_URL + "/"), url
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def links(html: str) -> list[str]:
    """Every href of an HTML body, unescaped."""
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]
