"""The reader's subscription pages: preferences from a signed link, one field per followed facet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policydigest.delivery import subscribers as subs
from policydigest.delivery.tokens import Purpose, make_token
from policydigest.search.facets import FOLLOWED
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.web import create_app
from tests.delivery_support import delivery_settings


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[tuple[TestClient, Settings, Store]]:
    """A client of the app (mail not configured), its settings and store, and one active subscriber."""
    settings = delivery_settings(tmp_path, 2525, smtp_host=None)
    store = open_store(settings.database_url)
    subs.add_subscriber(store, "reader@example.org")
    with TestClient(create_app(settings)) as client:
        yield client, settings, store


def test_the_preferences_form_has_a_field_for_each_followed_facet_and_saves_them(
    reader: tuple[TestClient, Settings, Store],
) -> None:
    client, settings, store = reader
    token = make_token(settings, Purpose.MANAGE, "reader@example.org")
    page = client.get("/subscription", params={"token": token}).text
    assert all(f'name="{facet.param}"' in page for facet in FOLLOWED)
    form = {"column": ["地方新政", "不是栏目"], "region": "贵州；遵义 ;", "topic": "算力", "frequency": "daily"}
    saved = client.post("/subscription", params={"token": token}, data=form)
    assert saved.status_code == 200 and "已保存" in saved.text
    prefs = subs.get_subscriber(store, "reader@example.org").preferences
    assert prefs.follows == {"column": ("地方新政",), "region": ("贵州", "遵义"), "topic": ("算力",)}
    assert prefs.frequency == "daily" and not prefs.whole_issue
    assert 'value="贵州;遵义"' in saved.text
    exported = client.get("/subscription/data.json", params={"token": token}).json()["preferences"]
    assert {f.query_key: exported[f.query_key] for f in FOLLOWED} == {
        "columns": ["地方新政"], "regions": ["贵州", "遵义"], "topics": ["算力"]
    }


def test_too_many_followed_values_are_refused_and_nothing_changes(reader: tuple[TestClient, Settings, Store]) -> None:
    client, settings, store = reader
    token = make_token(settings, Purpose.MANAGE, "reader@example.org")
    many = ";".join(f"地区{n}" for n in range(30))
    answer = client.post("/subscription", params={"token": token}, data={"region": many})
    assert answer.status_code == 422 and "最多20项" in answer.text
    assert subs.get_subscriber(store, "reader@example.org").preferences.follows == {}
