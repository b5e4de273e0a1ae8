"""Command line of the desk: ``policydigest users add|list|token`` and ``policydigest audit``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.console import console, err_console, open_cli_store
from policydigest.desk.accounts import Accounts
from policydigest.desk.audit import read_audit
from policydigest.desk.roles import ROLE_LABELS, Role
from policydigest.errors import DeskError

users_app = typer.Typer(help="Desk accounts: add one, list them, make an API token.", no_args_is_help=True)


def _fail(exc: DeskError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(1)


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="The account's name (what 用户名 asks for).")],
    role: Annotated[Role, typer.Option("--role", help="contributor, editor, chief or admin.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (first line).")
    ] = False,
) -> None:
    """Add a desk account; the password is read from standard input, never from the command line."""
    if not password_stdin:
        err_console.print("[bold red]error:[/] give the password on standard input with --password-stdin")
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = Accounts(open_cli_store()).add(name, role, password)
    except DeskError as exc:
        raise _fail(exc) from None
    console.print(f"added {escape(user.name)} ({user.role.value}, {ROLE_LABELS[user.role]})")


@users_app.command("list")
def list_users() -> None:
    """Every desk account and its role."""
    table = Table("name", "role", "active")
    for user in Accounts(open_cli_store()).list():
        table.add_row(escape(user.name), user.role.value, "yes" if user.active else "no")
    console.print(table)


@users_app.command("token")
def new_token(name: Annotated[str, typer.Argument(help="The account the token acts for.")]) -> None:
    """Print a new API token for the account (use it as ``Authorization: Bearer TOKEN``)."""
    try:
        token = Accounts(open_cli_store()).new_token(name)
    except DeskError as exc:
        raise _fail(exc) from None
    sys.stdout.write(token + "\n")


def audit_command(
    user: Annotated[str | None, typer.Option("--user", help="Only what this person did.")] = None,
    issue: Annotated[int | None, typer.Option("--issue", help="Only this draft or issue (its id).")] = None,
    article: Annotated[int | None, typer.Option("--article", help="Only this article (its id).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="Most entries shown.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The desk's audit log, newest first: who did what, when, before → after."""
    subject, subject_id = ("article", article) if article is not None else ("draft", issue) if issue else (None, None)
    entries = read_audit(open_cli_store(), user=user, subject=subject, subject_id=subject_id, limit=limit)
    if as_json:
        for entry in entries:
            sys.stdout.write(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n")
        return
    table = Table("when", "who", "action", "subject", "before → after")
    for e in entries:
        change = f"{json.dumps(e.before, ensure_ascii=False)} → {json.dumps(e.after, ensure_ascii=False)}"
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"), escape(e.user), e.action, f"{e.subject} #{e.subject_id}", escape(change)
        )
    console.print(table)

