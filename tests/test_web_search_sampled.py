"""A word in very many articles: the page, the API and the command line say its counts are estimates (约)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from typer.testing import CliRunner

from policydigest.cli import app as cli
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.store_samples import article, small_issue

pytestmark = pytest.mark.slow  # 3,000 articles stored and indexed

ISSUES, PER_ISSUE = 30, 100
#: Low enough for 3,000 articles to sample 算力 (in half of them); the CLI reads it from the environment.
LIMIT = {"POLICYDIGEST_SEARCH_EXACT_COUNTS_UP_TO": "100"}


def crowded_issue(number: int) -> object:
    """An issue of 100 short articles; every other one has 算力, dated a day apart over two years."""
    articles = [
        article(
            f"第{number}期第{k}篇",
            "发放算力券，支持中小企业。" if k % 2 == 0 else "推进公共数据开放。",
            total_number=number,
            column=("国策要论", "地方新政", "产业前沿")[k % 3],
            published=dt.date(2024, 1, 1) + dt.timedelta(days=(number * PER_ISSUE + k) * 7 % 730),
        )
        for k in range(PER_ISSUE)
    ]
    return small_issue(number, *articles)


@pytest.fixture(scope="module")
def crowded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crowded") / "s.db"
    with open_store(f"sqlite:///{db}") as store:
        for number in range(1, ISSUES + 1):
            store.save_issue(crowded_issue(number))  # type: ignore[arg-type]
    return db


@pytest.fixture(scope="module")
def crowded_site(crowded_db: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{crowded_db}",
        index_path=crowded_db.parent / "index",
        catalogue_file=None,
        search_exact_counts_up_to=100,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_api_marks_the_counts_of_a_very_common_word_as_estimates(crowded_site: TestClient) -> None:
    body = crowded_site.get("/api/v1/search", params={"q": "算力"}).json()
    assert body["approximate"] is True
    assert body["total"] == pytest.approx(1_500, rel=0.25)
    assert any("抽样估算" in note for note in body["notes"])
    assert any(note.startswith("按相关度排列的是") for note in body["notes"])
    assert body["ranked_since"] and f"{int(body['ranked_since'][:4])}年" in " ".join(body["notes"])
    one = crowded_site.get("/api/v1/search", params={"q": "第7期第3篇"}).json()
    assert (one["total"], one["approximate"]) == (1, False)


def test_the_page_says_about_how_many_articles_match(crowded_site: TestClient) -> None:
    tree = lxml_html.fromstring(crowded_site.get("/search", params={"q": "算力"}).text)
    assert tree.xpath("string(//p[@role='status'])").startswith("共约")
    notes = [li.text_content() for li in tree.xpath("//ul[@aria-label='检索说明']/li")]
    assert any("抽样估算" in note for note in notes)


def test_the_command_line_says_about_how_many_articles_match(crowded_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {**LIMIT, "POLICYDIGEST_INDEX_PATH": str(tmp_path / "index")}
    plain = runner.invoke(cli, ["--db", str(crowded_db), "search", "算力"], env=env)
    assert plain.exit_code == 0, plain.output
    assert "约 " in plain.output and "抽样估算" in plain.output
    found = json.loads(runner.invoke(cli, ["--db", str(crowded_db), "search", "算力", "--json"], env=env).output)
    assert found["approximate"] is True
    assert found["ranked_since"] and any(found["ranked_since"][:4] in note for note in found["notes"])
