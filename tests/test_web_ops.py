"""Operations routes: liveness, readiness with its reasons, and Prometheus metrics by route template."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from policydigest.settings import Settings
from policydigest.web import create_app


@pytest.fixture
def ops_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app over an empty SQLite store."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", index_path=tmp_path / "index")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def samples(client: TestClient, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    text = client.get("/metrics").text
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def test_healthz_answers_get_and_head(ops_client: TestClient) -> None:
    assert ops_client.get("/healthz").json() == {"status": "ok"}
    assert ops_client.head("/healthz").status_code == 200


def test_readyz_is_ready_when_store_and_index_answer(ops_client: TestClient) -> None:
    assert ops_client.get("/readyz").json() == {"status": "ready"}


def test_readyz_says_503_and_why_when_the_store_is_gone(ops_client: TestClient, tmp_path: Path) -> None:
    context = ops_client.app.state.context  # type: ignore[attr-defined]
    context.store.engine.dispose()
    (tmp_path / "s.db").unlink()
    (tmp_path / "s.db").mkdir()  # a folder where the database file was: every connection fails
    response = ops_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == {"store": "数据库无法连接"}


def test_metrics_count_requests_by_route_template_not_raw_path(ops_client: TestClient) -> None:
    ops_client.get("/articles/999001")
    ops_client.get("/articles/999002")
    counts = samples(ops_client, "policydigest_http_requests_total")
    by_route = {dict(labels)["route"]: value for labels, value in counts.items() if dict(labels)["status"] == "404"}
    assert by_route.get("/articles/{article_id}", 0) >= 2
    assert not any("999001" in dict(labels)["route"] for labels in counts)


def test_metrics_are_not_in_the_reader_api_document(ops_client: TestClient) -> None:
    paths = ops_client.get("/api/v1/openapi.json").json()["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)


def test_metrics_time_each_search_in_the_index(ops_client: TestClient) -> None:
    before = sum(samples(ops_client, "policydigest_search_seconds_count").values())
    assert ops_client.get("/api/v1/search", params={"q": "算力"}).status_code == 200
    assert sum(samples(ops_client, "policydigest_search_seconds_count").values()) == before + 1
