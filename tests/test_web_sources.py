"""The sources page and re-checking a source: public health, editing only for signed-in editors, a real
crawl of a feed served on 127.0.0.1 whose new articles reach the search index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.desk_support import login, make_users

SOURCE = "明湖·RSS"


@pytest.fixture
def editor(web: Any, tmp_path: Path) -> Iterator[TestClient]:
    """The web app over an empty store whose catalogue has one feed of the fixture server."""
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "{SOURCE}"\nkind = "feed"\nurl = "{web.url("/feeds/rss.xml")}"\nverified = true\n',
        encoding="utf-8",
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        index_path=tmp_path / "index",
        catalogue_file=catalogue,
        fetch_allowed_networks=["127.0.0.1/32"],
        fetch_host_delay=0.0,
        fetch_retries=0,
        fetch_timeout=5.0,
        web_open_library=True,  # crawled articles are unvetted: readers see them only in an open library
    )
    tokens = make_users(open_store(settings.database_url))
    with TestClient(create_app(settings)) as client:
        client.csrf = login(client, "editor")  # type: ignore[attr-defined]
        client.token = tokens["editor"]  # type: ignore[attr-defined]
        yield client


def health(client: TestClient) -> dict[str, Any]:
    items = client.get("/api/v1/sources").json()["items"]
    return next(item for item in items if item["name"] == SOURCE)  # type: ignore[no-any-return]


def test_a_source_never_run_is_shown_as_such(editor: TestClient) -> None:
    assert health(editor)["health"] == "never run"
    doc = lxml_html.fromstring(editor.get("/sources").text)
    row = doc.xpath("//table[@class='sources']/tbody/tr")[0]
    assert row.xpath("th/a/text()") == [SOURCE] and row.xpath("td[1]/span/text()") == ["未运行"]


def test_recheck_with_a_wrong_csrf_token_is_refused_and_crawls_nothing(editor: TestClient, web: Any) -> None:
    refused = editor.post("/sources/check", data={"source": SOURCE, "csrf": "guess"}, follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert editor.post(f"/api/v1/sources/{SOURCE}/check").status_code == 403  # a session, but no CSRF header
    assert web.state.paths() == [] and health(editor)["health"] == "never run"


def test_recheck_form_with_the_token_crawls_the_source_and_its_articles_become_searchable(
    editor: TestClient, web: Any
) -> None:
    response = editor.post("/sources/check", data={"source": SOURCE, "csrf": editor.csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sources?checked=")
    # The crawl ran (TestClient waits for background tasks): the feed was fetched and its items stored.
    assert "/feeds/rss.xml" in web.state.paths()
    after = health(editor)
    assert after["health"] == "ok" and after["last_success_at"] is not None
    articles = editor.get("/api/v1/articles", params={"limit": 100}).json()
    assert articles["total"] > 0
    title = articles["items"][0]["title"]
    found = editor.get("/api/v1/search", params={"q": title[:6], "limit": 100}).json()
    assert articles["items"][0]["id"] in [hit["id"] for hit in found["hits"]]
    notice = lxml_html.fromstring(editor.get(response.headers["location"]).text).xpath("//p[@class='notice']")
    assert notice and SOURCE in notice[0].text_content()


def test_recheck_api_with_the_bearer_token_is_accepted(editor: TestClient, web: Any) -> None:
    response = editor.post(f"/api/v1/sources/{SOURCE}/check", headers={"Authorization": f"Bearer {editor.token}"})
    assert response.status_code == 202
    assert response.json() == {"source": SOURCE, "status": "queued"}
    assert "/feeds/rss.xml" in web.state.paths()


def test_a_failing_source_is_reported_not_raised(editor: TestClient, web: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(f'[[source]]\nname = "坏源"\nkind = "feed"\nurl = "{web.url("/gone")}"\n', encoding="utf-8")
    context = editor.app.state.context  # type: ignore[attr-defined]
    context.settings = context.settings.model_copy(update={"catalogue_file": broken})
    response = editor.post("/api/v1/sources/坏源/check", headers={"Authorization": f"Bearer {editor.token}"})
    assert response.status_code == 202
    state = next(i for i in editor.get("/api/v1/sources").json()["items"] if i["name"] == "坏源")
    assert state["error_streak"] == 1 and state["health"] == "warning"
    assert open_store(context.settings.database_url).count_articles() == 0
