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

users_app = typer.Typer(help="编辑台账号：添加、列出、生成 API 令牌。", no_args_is_help=True)


def _fail(exc: DeskError) -> typer.Exit:
    err_console.print(f"[bold red]错误：[/]{escape(str(exc))}")
    return typer.Exit(1)


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="账号名（登录时的“用户名”）。")],
    role: Annotated[Role, typer.Option("--role", help="contributor、editor、chief 或 admin。")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码（第一行）。")
    ] = False,
) -> None:
    """添加编辑台账号；密码从标准输入读取，绝不从命令行读取。"""
    if not password_stdin:
        err_console.print("[bold red]错误：[/]请加 --password-stdin，从标准输入给出密码")
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = Accounts(open_cli_store()).add(name, role, password)
    except DeskError as exc:
        raise _fail(exc) from None
    console.print(f"已添加 {escape(user.name)}（{user.role.value}，{ROLE_LABELS[user.role]}）")


@users_app.command("list")
def list_users() -> None:
    """列出每个编辑台账号及其角色。"""
    table = Table("账号", "角色", "启用")
    for user in Accounts(open_cli_store()).list():
        table.add_row(escape(user.name), user.role.value, "是" if user.active else "否")
    console.print(table)


@users_app.command("token")
def new_token(name: Annotated[str, typer.Argument(help="令牌所代表的账号。")]) -> None:
    """为账号生成并输出一个新的 API 令牌（用作 ``Authorization: Bearer TOKEN``）。"""
    try:
        token = Accounts(open_cli_store()).new_token(name)
    except DeskError as exc:
        raise _fail(exc) from None
    sys.stdout.write(token + "\n")


def audit_command(
    user: Annotated[str | None, typer.Option("--user", help="只看这个人做的事。")] = None,
    issue: Annotated[int | None, typer.Option("--issue", help="只看这份草稿或这一期（其编号）。")] = None,
    article: Annotated[int | None, typer.Option("--article", help="只看这篇文章（其编号）。")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="最多显示的条数。")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="每行一个 JSON 对象。")] = False,
) -> None:
    """编辑台审计日志，最新的在前：谁在何时做了什么，前 → 后。"""
    subject, subject_id = ("article", article) if article is not None else ("draft", issue) if issue else (None, None)
    entries = read_audit(open_cli_store(), user=user, subject=subject, subject_id=subject_id, limit=limit)
    if as_json:
        for entry in entries:
            sys.stdout.write(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n")
        return
    table = Table("时间", "人员", "操作", "对象", "前 → 后")
    for e in entries:
        change = f"{json.dumps(e.before, ensure_ascii=False)} → {json.dumps(e.after, ensure_ascii=False)}"
        subject = f"{e.subject} #{e.subject_id}" if e.subject_id else e.subject
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), escape(e.user), e.action, subject, escape(change))
    console.print(table)

