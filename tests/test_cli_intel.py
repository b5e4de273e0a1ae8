"""The intelligence commands: documents, follow-ups, targets and compare, as JSON, with clear errors."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from intel_samples import policy_issue
from policydigest.cli import app
from policydigest.intel import build_intel, intel_behind
from policydigest.intel.queries import list_documents, list_targets
from policydigest.store import Store, open_store
from tests.conftest import SAMPLE_DIR

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "intel.db"
    open_store(f"sqlite:///{path}").save_issue(policy_issue())
    return path


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_documents_json_lists_each_document_with_its_issuers(db: Path) -> None:
    code, out, _ = invoke(db, "documents", "--json")
    documents: list[dict[str, Any]] = json.loads(out)
    assert code == 0
    assert {d["name"]: d["issuers"] for d in documents}["云南省算力强基实施方案（2025—2027年）"] == [
        "云南省人民政府办公厅"
    ]


def test_follow_ups_json_has_the_fixed_fields(db: Path) -> None:
    code, out, _ = invoke(db, "follow-ups", "算力强基”三年行动计划", "--json")
    links = json.loads(out)
    assert code == 0 and len(links) == 2
    assert set(links[0]) == {"article_id", "title", "region", "level", "relation", "evidence", "lag_days"}


def test_a_document_without_follow_ups_says_so_and_unknown_names_fail(db: Path) -> None:
    code, out, err = invoke(db, "follow-ups", "云南省算力强基实施方案", "--json")
    assert code == 0 and json.loads(out) == [] and "暂无下级落实" in err
    code, _, err = invoke(db, "follow-ups", "没有这份文件")
    assert code == 1 and "没有名称包含“没有这份文件”的政策文件" in err
    code, _, err = invoke(db, "follow-ups", "999")
    assert code == 1 and "没有编号为 999 的政策文件" in err


def test_targets_json_filters_by_region_and_deadline(db: Path) -> None:
    code, out, _ = invoke(db, "targets", "--region", "云南", "--json")
    targets = json.loads(out)
    assert code == 0 and [t["deadline"] for t in targets] == ["2026-12-31", "2026-12-31"]
    assert set(targets[0]) == {
        "text",
        "metric",
        "value",
        "value_max",
        "unit",
        "year",
        "deadline",
        "region",
        "issuer",
        "document",
        "article_id",
    }
    code, out, _ = invoke(db, "targets", "--due-before", "2026-01-01", "--json")
    assert json.loads(out) == []
    code, _, err = invoke(db, "targets", "--due-before", "明年")
    assert code == 1 and "YYYY-MM-DD" in err


def test_compare_takes_two_to_four_ids(db: Path) -> None:
    code, out, _ = invoke(db, "compare", "1", "2", "--json")
    assert code == 0 and [item["article_id"] for item in json.loads(out)["items"]] == [1, 2]
    code, _, err = invoke(db, "compare", *[str(n) for n in range(1, 11)])
    assert code == 1 and "一次只能比较 2–4 项，收到 10 项" in err
    code, _, err = invoke(db, "compare", "1", "999")
    assert code == 1 and "没有编号为 999 的文章" in err


def _intelligence(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with store.session() as session:
        return [asdict(d) for d in list_documents(session)], [asdict(t) for t in list_targets(session)]


def test_an_import_leaves_the_intelligence_current_as_a_full_rebuild_would_make_it(tmp_path: Path) -> None:
    db = tmp_path / "imported.db"
    code, _, _ = invoke(db, "import", str(SAMPLE_DIR / "sample-bulletin-no8.txt"))
    assert code == 0
    store = open_store(f"sqlite:///{db}")
    assert not intel_behind(store)  # built by the import's own writes, before the command ended
    documents, targets = _intelligence(store)
    assert documents and targets
    assert build_intel(store, full=True).rebuilt == store.count_articles()
    assert _intelligence(store) == (documents, targets)
