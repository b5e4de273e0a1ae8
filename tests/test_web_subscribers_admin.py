"""Subscribers on the desk: administrators list, search and page them, add, import and export CSV, suppress
and delete; other roles are refused; every address and consent source is escaped."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policydigest.delivery import subscribers as subs
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.web import create_app
from policydigest.web.routes.subscribers_admin import PAGE_SIZE
from tests.desk_support import login, make_users

#: An address that is valid and still holds characters HTML must escape.
AWKWARD = "o'brien&co@example.org"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, str, Store]]:
    """An administrator's client over a store, its CSRF token, and the store."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    make_users(store)
    with TestClient(create_app(Settings(database_url=url, index_path=tmp_path / "index"))) as client:
        yield client, login(client, "admin"), store


def addresses(page: str) -> list[str]:
    """The addresses in the list's rows, in order."""
    return re.findall(r"<tr><td>([^<]+)</td>", page)


def test_only_administrators_manage_subscribers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    make_users(open_store(url))
    with TestClient(create_app(Settings(database_url=url, index_path=tmp_path / "index"))) as client:
        assert "/login" in client.get("/desk/subscribers", follow_redirects=False).headers["location"]
        csrf = login(client, "chief")
        assert client.get("/desk/subscribers").status_code == 403
        answer = client.post("/desk/subscribers/add", data={"csrf": csrf, "email": "a@example.org"})
        assert answer.status_code == 403
        assert client.get("/desk/subscribers/export.csv").status_code == 403


def test_the_list_searches_filters_by_status_and_pages(desk: tuple[TestClient, str, Store]) -> None:
    client, _csrf, store = desk
    for n in range(PAGE_SIZE + 5):
        subs.add_subscriber(store, f"reader{n:03d}@example.org")
    subs.add_subscriber(store, "other@example.net")
    subs.set_status(store, "reader001@example.org", "suppressed")

    first = client.get("/desk/subscribers", params={"q": "example.org"}).text
    assert len(addresses(first)) == PAGE_SIZE and addresses(first)[0] == "reader000@example.org"
    assert "other@example.net" not in first and "共 55 位" in first
    following = re.search(r'href="/desk/subscribers\?([^"]+)" rel="next"', first)
    assert following is not None
    second = client.get("/desk/subscribers?" + following.group(1).replace("&amp;", "&")).text
    assert addresses(second) == [f"reader{n:03d}@example.org" for n in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert 'rel="next"' not in second

    suppressed = client.get("/desk/subscribers", params={"status": "suppressed"}).text
    assert addresses(suppressed) == ["reader001@example.org"]


def test_an_administrator_adds_suppresses_and_deletes(desk: tuple[TestClient, str, Store]) -> None:
    client, csrf, store = desk
    added = client.post("/desk/subscribers/add", data={"csrf": csrf, "email": " New@Example.ORG "})
    assert "已添加 New@example.org" in added.text
    assert subs.get_subscriber(store, "New@example.org").status == "active"
    assert subs.get_subscriber(store, "New@example.org").consent_source == "desk admin admin"

    refused = client.post("/desk/subscribers/add", data={"csrf": csrf, "email": "not-an-address"})
    assert "邮箱地址无效" in refused.text

    listed = {"q": "new@", "status": "active"}
    back = client.post("/desk/subscribers/suppress", data={"csrf": csrf, "email": "New@example.org", **listed},
                       follow_redirects=False)
    assert back.headers["location"].startswith("/desk/subscribers?q=new%40&status=active&flash=")
    assert subs.get_subscriber(store, "New@example.org").status == "suppressed"
    # A suppressed address stays suppressed when someone subscribes it again.
    assert subs.request_subscription(store, "New@example.org", source="web") == ("New@example.org", False)

    deleted = client.post("/desk/subscribers/delete", data={"csrf": csrf, "email": "New@example.org"})
    assert "已删除" in deleted.text and subs.list_subscribers(store) == []
    again = client.post("/desk/subscribers/delete", data={"csrf": csrf, "email": "New@example.org"})
    assert "没有这个订阅" in again.text


def test_what_an_administrator_does_to_subscribers_is_in_the_audit_log_with_the_address_masked(
    desk: tuple[TestClient, str, Store],
) -> None:
    client, csrf, _store = desk
    for path in ("add", "suppress", "delete"):
        client.post(f"/desk/subscribers/{path}", data={"csrf": csrf, "email": "reader@example.org"})
    client.get("/desk/subscribers/export.csv", params={"q": "reader"})
    entries = client.get("/api/v1/desk/audit", params={"subject": "subscriber"}).json()
    assert [(e["user"], e["action"]) for e in reversed(entries)] == [
        ("admin", "subscriber.add"), ("admin", "subscriber.suppress"), ("admin", "subscriber.delete"),
        ("admin", "subscriber.export"),
    ]
    page = client.get("/desk/audit", params={"subject": "subscriber"}).text
    assert page.count("subscriber.") == 4 and "r***@example.org" in page
    assert "reader@example.org" not in page  # editors read the log; only administrators see addresses


def test_an_uploaded_csv_is_imported_and_its_bad_rows_reported(desk: tuple[TestClient, str, Store]) -> None:
    client, csrf, store = desk
    upload = "\ufeffemail,columns,frequency\na@example.org,地方新政;产业前沿,daily\nbad\nb@example.org,,\n"
    answer = client.post(
        "/desk/subscribers/import", data={"csrf": csrf}, files={"file": ("list.csv", upload.encode(), "text/csv")}
    )
    assert "已导入 2 位订阅者" in answer.text and "第3行" in answer.text
    found = subs.get_subscriber(store, "a@example.org")
    assert found.preferences.followed("column") == ("地方新政", "产业前沿") and found.preferences.frequency == "daily"
    assert found.consent_source == "desk import admin"

    headless = client.post(
        "/desk/subscribers/import", data={"csrf": csrf}, files={"file": ("x.csv", b"name\nx\n", "text/csv")}
    )
    assert "email 列" in headless.text
    binary = client.post(
        "/desk/subscribers/import", data={"csrf": csrf}, files={"file": ("x.csv", b"\xff\xfe\x00bad", "text/csv")}
    )
    assert "UTF-8" in binary.text and len(subs.list_subscribers(store)) == 2


def test_the_export_is_the_searched_subscribers_and_imports_back(
    desk: tuple[TestClient, str, Store], tmp_path: Path
) -> None:
    client, _csrf, store = desk
    subs.add_subscriber(store, "a@example.org", prefs=subs.Preferences(follows={"column": ["地方新政"]}))
    subs.add_subscriber(store, "b@example.net")
    answer = client.get("/desk/subscribers/export.csv", params={"q": "example.org"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["email"], r["columns"]) for r in rows] == [("a@example.org", "地方新政")]

    elsewhere = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    assert subs.import_csv(elsewhere, text, source="copy").added == 1
    assert subs.get_subscriber(elsewhere, "a@example.org").preferences.followed("column") == ("地方新政",)


def test_addresses_and_consent_sources_are_escaped(desk: tuple[TestClient, str, Store]) -> None:
    client, _csrf, store = desk
    subs.add_subscriber(store, AWKWARD, source="<script>alert(1)</script>")
    page = client.get("/desk/subscribers").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert AWKWARD not in page and "o&#39;brien&amp;co@example.org" in page
