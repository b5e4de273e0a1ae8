"""Batch import: all-or-nothing per file, never aborting, idempotent, and safe to kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.ingest.importer import import_paths
from policydigest.settings import Settings
from policydigest.store import open_store
from tests.conftest import FIXTURES, SAMPLE_DIR

SAMPLE = SAMPLE_DIR / "sample-bulletin-no8.txt"


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = ("issues", "toc_entries", "articles", "issue_articles", "provenance")
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def write_copies(folder: Path, count: int) -> list[Path]:
    """Distinct issues (总期 1000+i) made from the sample, each article retitled so none are shared."""
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        copy = text.replace("总第57期", f"总第{1000 + i}期").replace("。", f"。{i}", 3)
        path = folder / f"copy-{i:03d}.txt"
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths


def test_a_batch_goes_on_past_bad_files_and_stores_nothing_of_them(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = open_store(f"sqlite:///{db}")
    bad = sorted((FIXTURES / "bad").iterdir())
    report = import_paths([SAMPLE, *bad, SAMPLE_DIR / "sample-bulletin-no9.md"], store, Settings())
    statuses = {Path(r.path).name: r.status for r in report.files}
    assert statuses["sample-bulletin-no8.txt"] == "created"
    assert statuses["sample-bulletin-no9.md"] == "created"
    assert statuses["gbk-bulletin.txt"] == "created"
    failed = {Path(r.path).name for r in report.failed}
    assert failed == {
        "empty.txt",
        "whitespace-only.txt",
        "binary.txt",
        "not-a-bulletin.txt",
        "truncated-bulletin.txt",
        "truncated.pdf",
    }
    assert all(r.reason and "\n" not in r.reason for r in report.failed)
    assert [s.total_number for s in store.list_issues()] == [58, 57, 54]


def test_reimporting_changes_nothing_and_replace_updates(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = open_store(f"sqlite:///{db}")
    import_paths([SAMPLE], store, Settings())
    before = table_counts(db)
    again = import_paths([SAMPLE], store, Settings())
    assert again.files[0].status == "unchanged"
    assert table_counts(db) == before

    edited = tmp_path / "edited.txt"
    edited.write_text(SAMPLE.read_text(encoding="utf-8").replace("首批20个", "首批30个"), encoding="utf-8")
    skipped = import_paths([edited], store, Settings())
    assert skipped.files[0].status == "skipped" and "--replace" in (skipped.files[0].reason or "")
    replaced = import_paths([edited], store, Settings(), replace=True)
    assert replaced.files[0].status == "replaced"
    assert table_counts(db)["issues"] == 1
    assert "首批30个" in store.get_issue(57).articles[0].body


def test_the_same_article_in_two_issues_is_stored_once(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    import_paths([SAMPLE_DIR], store, Settings())
    issues = [store.get_issue(57), store.get_issue(58)]
    ids_57 = {a.id for a in issues[0].articles}
    shared = [a for a in issues[1].articles if a.id in ids_57]
    assert len(shared) == 1
    assert {p.issue_total_number for p in shared[0].provenance} == {57, 58}
    total = len(issues[0].articles) + len(issues[1].articles)
    assert store.count_articles() == total - 1


def test_a_folder_import_takes_only_bulletin_files(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    report = import_paths([tmp_path], open_store(f"sqlite:///{tmp_path / 's.db'}"), Settings())
    assert [Path(r.path).name for r in report.files] == ["a.txt"]


@pytest.mark.slow
def test_a_process_killed_during_an_import_leaves_the_store_consistent(tmp_path: Path) -> None:
    copies = write_copies(tmp_path, 30)
    db = tmp_path / "store.db"
    env = {**os.environ, "POLICYDIGEST_DATABASE_URL": f"sqlite:///{db}"}
    command = [sys.executable, "-m", "policydigest", "import", str(tmp_path)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists() and table_counts_safe(db) >= 3:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    store = open_store(f"sqlite:///{db}")
    stored = store.list_issues()
    assert 3 <= len(stored) < len(copies), "the kill should land in the middle of the batch"
    expected_articles = len(read_bulletin(copies[0]).articles)
    for summary in stored:
        issue = store.get_issue(summary.total_number)
        assert len(issue.articles) == expected_articles and len(issue.toc) == 13

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert len(open_store(f"sqlite:///{db}").list_issues()) == len(copies)


def table_counts_safe(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM issues").fetchone()[0])
    except sqlite3.Error:
        return 0
