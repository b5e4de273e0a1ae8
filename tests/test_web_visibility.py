"""Nothing unvetted is public: by default readers see only articles of published issues and those an
editor made public — not on their pages, in search, in the feeds or in the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policydigest.compose.demo import load_articles, store_articles
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.conftest import SAMPLE_DIR
from tests.desk_support import make_users


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[Settings, dict[str, str], list[Any]]]:
    """A store of the sample web articles (none in an issue) and one account per role."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'v.db'}", index_path=tmp_path / "index")
    store = open_store(settings.database_url)
    articles = load_articles(SAMPLE_DIR / "articles.json")
    store_articles(store, articles)
    yield settings, make_users(store), articles


def reader_sees(client: TestClient, article_id: int, title: str) -> dict[str, bool]:
    word = title[:4]
    return {
        "page": client.get(f"/articles/{article_id}").status_code == 200,
        "api": client.get(f"/api/v1/articles/{article_id}").status_code == 200,
        "list": article_id in [a["id"] for a in client.get("/api/v1/articles?limit=100").json()["items"]],
        "search": article_id in [h["id"] for h in client.get("/api/v1/search", params={"q": word}).json()["hits"]],
        "feed": title in client.get("/feeds/search.atom", params={"q": word}).text,
    }


def test_an_unpublished_article_is_nowhere_for_readers_until_an_editor_makes_it_public(library: Any) -> None:
    settings, tokens, _ = library
    with TestClient(create_app(settings)) as client:
        auth = {"Authorization": f"Bearer {tokens['editor']}"}
        row = client.get("/api/v1/desk/inbox", headers=auth).json()["items"][0]
        assert reader_sees(client, row["article_id"], row["title"]) == dict.fromkeys(
            ("page", "api", "list", "search", "feed"), False
        )
        made = client.post(
            f"/api/v1/desk/inbox/{row['article_id']}/public", json={"version": row["version"], "public": True},
            headers=auth,
        )
        assert made.status_code == 200, made.text
        seen = reader_sees(client, row["article_id"], row["title"])
        assert seen["page"] and seen["api"] and seen["list"]


def test_a_setting_opens_the_whole_library(library: Any) -> None:
    settings, _, articles = library
    opened = Settings.model_validate({**settings.model_dump(), "web_open_library": True})
    with TestClient(create_app(opened)) as client:
        listed = client.get("/api/v1/articles?limit=100").json()
        assert listed["total"] == len(articles)
        hit = listed["items"][0]
        assert reader_sees(client, hit["id"], hit["title"])["page"]
