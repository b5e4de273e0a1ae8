"""The delivery commands: subscribers list|add|import|export|delete, and send (which also resumes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.console import state
from policydigest.desk.audit import read_audit
from policydigest.store import open_store
from tests.delivery_support import PUBLIC_URL, delivery_settings, store_with_issue
from tests.smtp_support import smtp_server

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Delivery settings in the environment; the store file's path."""
    monkeypatch.setenv("POLICYDIGEST_DELIVERY_SECRET", "test-secret-not-for-production")
    monkeypatch.setenv("POLICYDIGEST_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("POLICYDIGEST_MAIL_FROM", "digest@example.org")
    monkeypatch.setenv("POLICYDIGEST_INDEX_PATH", str(tmp_path / "index"))
    state.settings = None
    return tmp_path / "store.db"


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_subscribers_are_added_imported_listed_exported_and_deleted(env: Path, tmp_path: Path) -> None:
    assert invoke(env, "subscribers", "add", "a@example.org")[0] == 0
    csv = tmp_path / "in.csv"
    csv.write_text("email,columns\nb@example.org,地方新政\nnot-an-address,\n", encoding="utf-8")
    code, out = invoke(env, "subscribers", "import", str(csv))
    assert code == 1 and "已导入 1 位" in out and "第 3 行" in out
    code, out = invoke(env, "subscribers", "list")
    assert code == 0 and "a@example.org" in out and "b@example.org" in out
    exported = tmp_path / "out.csv"
    assert invoke(env, "subscribers", "export", "--out", str(exported))[0] == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("email,status") and any(line.startswith("b@example.org,active") for line in lines)
    assert invoke(env, "subscribers", "delete", "a@example.org")[0] == 0
    assert "a@example.org" not in invoke(env, "subscribers", "list")[1]
    assert invoke(env, "subscribers", "delete", "a@example.org")[0] == 1


def test_the_command_lines_changes_to_subscribers_are_in_the_audit_log_as_by_cli(env: Path, tmp_path: Path) -> None:
    invoke(env, "subscribers", "add", "wang@example.org", "--source", "签到表")
    csv = tmp_path / "in.csv"
    csv.write_text("email\nli@example.org\n", encoding="utf-8")
    invoke(env, "subscribers", "import", str(csv))
    invoke(env, "subscribers", "export", "--out", str(tmp_path / "out.csv"))
    invoke(env, "subscribers", "delete", "wang@example.org")

    entries = read_audit(open_store(f"sqlite:///{env}"), subject="subscriber")
    assert {e.user for e in entries} == {"cli"}
    assert sorted(e.action for e in entries) == [
        "subscriber.add", "subscriber.delete", "subscriber.export", "subscriber.import"
    ]
    deleted = next(e for e in entries if e.action == "subscriber.delete")
    assert deleted.before == {"email": "w***@example.org", "status": "active"} and deleted.after is None
    assert "wang@example.org" not in str([(e.before, e.after) for e in entries])  # deleted: no address kept


def test_send_delivers_an_issue_once_and_a_second_run_sends_nothing(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as (sink, port):
        monkeypatch.setenv("POLICYDIGEST_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("POLICYDIGEST_SMTP_PORT", str(port))
        _, issue = store_with_issue(delivery_settings(tmp_path, port))
        invoke(env, "subscribers", "add", "a@example.org", "b@example.org")
        code, out = invoke(env, "send", str(issue.total_number))
        assert code == 0 and "已发送 2" in out
        code, out = invoke(env, "send", str(issue.total_number))
        assert code == 0 and "已发送 0" in out
        assert sorted(m["To"] for m in sink.messages) == ["a@example.org", "b@example.org"]


def test_send_without_an_smtp_server_says_what_to_set(env: Path, tmp_path: Path) -> None:
    _, issue = store_with_issue(delivery_settings(tmp_path, 25))
    invoke(env, "subscribers", "add", "a@example.org")
    code, out = invoke(env, "send", str(issue.total_number))
    assert code == 1 and "smtp_host" in out
