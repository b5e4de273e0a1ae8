"""Backup and restore of the whole store, through the CLI, on SQLite and PostgreSQL: nothing lost or changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.errors import StoreError
from policydigest.store.backup import backup_store, restore_store
from tests.conftest import SAMPLE_DIR

runner = CliRunner()


@pytest.fixture(autouse=True)
def index_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search index of a PostgreSQL store goes into the test's folder, never the working folder."""
    monkeypatch.setenv("POLICYDIGEST_INDEX_PATH", str(tmp_path / "index"))


def cli(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_backup_then_restore_into_a_fresh_store_gives_an_identical_export(
    store_url: str, other_store_url: str, tmp_path: Path
) -> None:
    cli(store_url, "import", "--no-enrich", str(SAMPLE_DIR))
    before = cli(store_url, "export", "--format", "json")
    cli(store_url, "backup", str(tmp_path / "store.backup"))
    cli(other_store_url, "restore", "--yes", str(tmp_path / "store.backup"))
    after = cli(other_store_url, "export", "--format", "json")
    assert '"total_number": 57' in before
    assert after == before


def test_restore_replaces_what_the_store_held(store_url: str, other_store_url: str, tmp_path: Path) -> None:
    cli(store_url, "import", "--no-enrich", str(SAMPLE_DIR / "sample-bulletin-no8.txt"))
    backup_store(store_url, tmp_path / "one.backup")
    cli(other_store_url, "import", "--no-enrich", str(SAMPLE_DIR))
    restore_store(other_store_url, tmp_path / "one.backup")
    issues = json.loads(cli(other_store_url, "export", "--format", "json"))["issues"]
    assert [issue["total_number"] for issue in issues] == [57]


def test_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    cli(db, "migrate")
    (tmp_path / "taken").write_text("keep me")
    result = runner.invoke(app, ["--db", db, "backup", str(tmp_path / "taken")])
    assert result.exit_code == 1 and "已存在" in result.output
    assert (tmp_path / "taken").read_text() == "keep me"


def test_restore_refuses_a_file_that_is_not_a_backup_and_keeps_the_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    cli(db, "import", "--no-enrich", str(SAMPLE_DIR / "sample-bulletin-no8.txt"))
    (tmp_path / "junk.backup").write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(StoreError, match="不是 SQLite 备份"):
        restore_store(db, tmp_path / "junk.backup")
    assert [i["total_number"] for i in json.loads(cli(db, "export", "--format", "json"))["issues"]] == [57]


def test_migrate_reports_the_schema_it_brought_the_store_to(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert "已升级" in cli(db, "migrate")
    assert "已是最新" in cli(db, "migrate")
