"""``policydigest users add|list|token`` and ``policydigest audit``: accounts from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.desk.accounts import Accounts
from policydigest.store import open_store
from policydigest.store.desk_schema import ApiTokenRow, UserRow

runner = CliRunner()


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args], input=stdin)
    return result.exit_code, result.output


def test_users_are_added_with_a_password_from_stdin_and_listed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code, out = run(db, "users", "add", "李主编", "--role", "chief", "--password-stdin", stdin="很长的口令-0123\n")
    assert code == 0 and "李主编" in out
    code, out = run(db, "users", "list")
    assert code == 0 and "李主编" in out and "chief" in out
    store = open_store(f"sqlite:///{db}")
    with store.session() as session:
        stored = session.query(UserRow).one().password_hash
    assert stored.startswith("$argon2") and "很长的口令" not in stored
    assert Accounts(store).authenticate("李主编", "很长的口令-0123").role.value == "chief"


def test_bad_accounts_are_refused_with_a_reason(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run(db, "users", "add", "甲乙", "--role", "editor", "--password-stdin", stdin="short\n")[0] == 1
    assert run(db, "users", "add", "甲乙", "--role", "boss", "--password-stdin", stdin="x" * 12 + "\n")[0] == 2
    assert run(db, "users", "add", "<script>", "--role", "editor", "--password-stdin", stdin="x" * 12 + "\n")[0] == 1
    assert run(db, "users", "add", "甲乙", "--role", "editor")[0] == 2  # no password on the command line
    assert run(db, "users", "add", "甲乙", "--role", "editor", "--password-stdin", stdin="x" * 12 + "\n")[0] == 0
    assert run(db, "users", "add", "甲乙", "--role", "chief", "--password-stdin", stdin="y" * 12 + "\n")[0] == 1


def test_a_token_is_printed_once_stored_hashed_and_opens_the_api_and_the_audit_shows_it(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run(db, "users", "add", "王编辑", "--role", "editor", "--password-stdin", stdin="很长的口令-0123\n")
    code, out = run(db, "users", "token", "王编辑")
    token = out.strip()
    assert code == 0 and token.startswith("pd_") and len(token) > 40
    store = open_store(f"sqlite:///{db}")
    with store.session() as session:
        assert token not in session.query(ApiTokenRow).one().token_hash
    user = Accounts(store).token_user(token)
    assert user is not None and user.name == "王编辑"
    code, out = run(db, "audit", "--json")
    actions = [json.loads(line)["action"] for line in out.splitlines()]
    assert code == 0 and actions == ["user.token", "user.add"] and token not in out
    assert run(db, "users", "token", "没有的人")[0] == 1
