"""The sources page and re-checking a source: public health, editing only for signed-in editors, a real
crawl of a feed served on 127.0.0.1 whose new articles reach the search index."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy.exc import OperationalError

from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.desk_support import login, make_users

SOURCE = "明湖·RSS"


@contextmanager
def editor_client(catalogue: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The web app over an empty store with ``catalogue`` and 127.0.0.1 allowed, an editor signed in
    (``client.csrf``) who also has an API token (``client.token``)."""
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


@pytest.fixture
def editor(web: Any, tmp_path: Path) -> Iterator[TestClient]:
    """The web app over an empty store whose catalogue has one feed of the fixture server."""
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "{SOURCE}"\nkind = "feed"\nurl = "{web.url("/feeds/rss.xml")}"\nverified = true\n',
        encoding="utf-8",
    )
    with editor_client(catalogue, tmp_path) as client:
        yield client


def bearer(client: TestClient) -> dict[str, str]:
    """The Authorization header of the signed-in editor's API token."""
    return {"Authorization": f"Bearer {client.token}"}  # type: ignore[attr-defined]


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
    response = editor.post(f"/api/v1/sources/{SOURCE}/check", headers=bearer(editor))
    assert response.status_code == 202
    assert response.json() == {"source": SOURCE, "status": "queued"}
    assert "/feeds/rss.xml" in web.state.paths()


def test_a_failing_source_is_reported_not_raised(editor: TestClient, web: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(f'[[source]]\nname = "坏源"\nkind = "feed"\nurl = "{web.url("/gone")}"\n', encoding="utf-8")
    context = editor.app.state.context  # type: ignore[attr-defined]
    context.settings = context.settings.model_copy(update={"catalogue_file": broken})
    response = editor.post("/api/v1/sources/坏源/check", headers=bearer(editor))
    assert response.status_code == 202
    state = next(i for i in editor.get("/api/v1/sources").json()["items"] if i["name"] == "坏源")
    assert state["error_streak"] == 1 and state["health"] == "warning"
    assert open_store(context.settings.database_url).count_articles() == 0


# ---- re-checks under load (issue 16) ---------------------------------------------------------------


@pytest.fixture
def slow_editor(web: Any, tmp_path: Path) -> Iterator[TestClient]:
    """The editor app over a catalogue whose one feed takes a second to answer."""
    catalogue = tmp_path / "slow.toml"
    url = web.url("/slow/feeds/rss.xml") + "?delay=1"
    catalogue.write_text(f'[[source]]\nname = "{SOURCE}"\nkind = "feed"\nurl = "{url}"\n', encoding="utf-8")
    with editor_client(catalogue, tmp_path) as client:
        yield client


def test_concurrent_rechecks_of_one_source_start_one_crawl_and_the_others_join_it(
    slow_editor: TestClient, web: Any
) -> None:
    def post(_: int) -> tuple[int, str]:
        response = slow_editor.post(f"/api/v1/sources/{SOURCE}/check", headers=bearer(slow_editor))
        return response.status_code, response.json()["status"]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(post, range(20)))
    assert {status for status, _ in answers} == {202}
    assert sorted(state for _, state in answers).count("queued") == 1
    assert web.state.paths().count("/slow/feeds/rss.xml") == 1
    assert health(slow_editor)["health"] == "ok"
    # Once it is over, a new request starts a new crawl.
    assert post(0) == (202, "queued") and web.state.paths().count("/slow/feeds/rss.xml") == 2


@pytest.mark.parametrize(
    "fault", [OperationalError("INSERT", {}, Exception("database is locked")), RuntimeError("boom"), OSError("disk")]
)
def test_any_error_of_a_recheck_is_caught_and_recorded_in_the_source_health(
    editor: TestClient, monkeypatch: pytest.MonkeyPatch, fault: Exception
) -> None:
    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise fault

    monkeypatch.setattr("policydigest.ingest.crawl.crawl_once", failing)
    response = editor.post(f"/api/v1/sources/{SOURCE}/check", headers=bearer(editor))
    assert response.status_code == 202
    after = health(editor)
    assert after["error_streak"] == 1 and after["health"] != "ok"
    # The runner is free again: the next request starts a new re-check.
    assert editor.post(f"/api/v1/sources/{SOURCE}/check", headers=bearer(editor)).json() == {
        "source": SOURCE,
        "status": "queued",
    }


# ---- readers see a summary, editors the details (issue 16) -----------------------------------------


def test_readers_see_a_chinese_summary_and_never_raw_errors_or_addresses(
    editor: TestClient, web: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(f'[[source]]\nname = "坏源"\nkind = "feed"\nurl = "{web.url("/gone")}"\n', encoding="utf-8")
    context = editor.app.state.context  # type: ignore[attr-defined]
    context.settings = context.settings.model_copy(update={"catalogue_file": broken})
    editor.post("/api/v1/sources/坏源/check", headers=bearer(editor))
    reader = TestClient(editor.app)  # no session, no token
    public = next(i for i in reader.get("/api/v1/sources").json()["items"] if i["name"] == "坏源")
    assert public["flags"] == ["连续1次抓取失败"] and public["details"] is None
    row = lxml_html.fromstring(reader.get("/sources").text).xpath("//table[@class='sources']/tbody/tr")[0]
    shown = row.text_content()
    assert "连续1次抓取失败" in shown and "HTTP 404" not in shown and "failed run" not in shown
    # The address of the source is its link; no error text repeats it.
    assert shown.count("127.0.0.1") == 0
    mine = reader.get("/api/v1/sources", headers=bearer(editor)).json()["items"]
    details = next(i for i in mine if i["name"] == "坏源")["details"]
    assert details and "HTTP 404" in details[0] and "127.0.0.1" in details[0]
    # The signed-in editor's page shows the same details; a wrong token is refused, not read as a reader.
    page = lxml_html.fromstring(editor.get("/sources").text).xpath("//table[@class='sources']/tbody/tr")[0]
    assert "HTTP 404" in page.text_content()
    assert reader.get("/api/v1/sources", headers={"Authorization": "Bearer guess"}).status_code == 401


@pytest.mark.parametrize("checked", ["系统维护，请联系 evil@example.org", "<b>x</b>", ""])
def test_the_checked_notice_names_only_a_source_of_the_catalogue(editor: TestClient, checked: str) -> None:
    doc = lxml_html.fromstring(editor.get("/sources", params={"checked": checked}).text)
    assert doc.xpath("//p[@class='notice']") == []
    named = lxml_html.fromstring(editor.get("/sources", params={"checked": SOURCE}).text)
    assert SOURCE in named.xpath("//p[@class='notice']")[0].text_content()
