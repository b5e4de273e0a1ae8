"""The job queue page and API: administrators only; the dead-letter list with each job's error; SQLite says
it has no queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policydigest.jobs.queue import JobQueue
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.conftest import PostgresServer
from tests.desk_support import login, make_users


def app_over(database_url: str, tmp_path: Path) -> tuple[TestClient, dict[str, str]]:
    settings = Settings(database_url=database_url, index_path=tmp_path / "index", web_secret_key="k" * 32)
    tokens = make_users(open_store(database_url))
    return TestClient(create_app(settings)), tokens


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    client, tokens = app_over(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    with client:
        yield client, tokens


def test_only_administrators_see_the_queue(sqlite_app: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = sqlite_app
    assert client.get("/api/v1/desk/jobs").status_code == 401
    page = client.get("/desk/jobs", follow_redirects=False)
    assert page.status_code in (302, 303, 307) and "/login" in page.headers["location"]
    for role in ("contributor", "editor", "chief"):
        answer = client.get("/api/v1/desk/jobs", headers={"Authorization": f"Bearer {tokens[role]}"})
        assert answer.status_code == 403, role
    answer = client.get("/api/v1/desk/jobs", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert answer.json() == {"queue": False, "queues": [], "dead": []}


def test_on_sqlite_the_page_says_work_runs_in_process(sqlite_app: tuple[TestClient, dict[str, str]]) -> None:
    client, _tokens = sqlite_app
    login(client, "admin")
    page = client.get("/desk/jobs")
    assert page.status_code == 200 and "没有任务队列" in page.text


@pytest.mark.postgres
@pytest.mark.slow
def test_a_dead_job_and_its_error_are_on_the_page_and_in_the_api(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    db = postgres_server.url(postgres_server.create_database())
    settings = Settings(database_url=db, job_retry_wait=1.0, job_max_attempts=1)
    client, tokens = app_over(db, tmp_path)
    with JobQueue(settings) as queue:
        queue.defer("crawl_source", name="不存在的来源<script>")
        queue.run_worker(concurrency=1, wait=False)
    with client:
        answer = client.get("/api/v1/desk/jobs", headers={"Authorization": f"Bearer {tokens['admin']}"}).json()
        assert answer["queue"] is True
        assert {q["queue"]: q["failed"] for q in answer["queues"]} == {"crawl": 1}
        (dead,) = answer["dead"]
        assert dead["task"] == "crawl_source" and "没有名为" in dead["error"]
        login(client, "admin")
        page = client.get("/desk/jobs").text
    assert "没有名为" in page and "<script>" not in page and "&lt;script&gt;" in page
