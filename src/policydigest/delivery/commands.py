"""Command line of delivery: ``send``, ``subscribers …`` and ``alerts run`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.console import console, err_console, fail, open_cli_store, state
from policydigest.delivery import subscribers as subs
from policydigest.delivery.alerts import run_alerts
from policydigest.delivery.bounces import process_mailbox
from policydigest.delivery.publishing import send_issue
from policydigest.delivery.sending import SendReport
from policydigest.desk import subscribers as admin
from policydigest.desk.audit import CLI_USER
from policydigest.errors import PolicydigestError, os_reason
from policydigest.search import attach_search_index
from policydigest.store import open_store

subscribers_app = typer.Typer(help="订阅者：列出、添加、导入、导出、删除。", no_args_is_help=True)


def _report(report: SendReport) -> None:
    console.print(
        f"已发送 {report.sent}，失败（5xx，地址标为退信）{report.failed}，"
        f"重试 {report.retried}，仍在排队 {report.deferred}"
        + (f"，从中断的发送进程收回 {report.released}" if report.released else "")
    )


def send_command(
    total_number: Annotated[int, typer.Argument(help="已入库的那一期的总期号。")],
) -> None:
    """把一期通过邮件发给每位订阅者，或继续中断的发送；每人只收到一次。"""
    settings = state.get_settings()
    try:
        report = send_issue(open_cli_store(), settings, total_number)
    except PolicydigestError as exc:
        hint = "请设置 smtp_host、mail_from、public_url 和 delivery_secret（见 `policydigest config`）"
        raise fail(str(exc), hint) from None
    _report(report)
    if report.deferred:
        err_console.print(f"[yellow]{report.deferred} 封邮件等待重试：请再运行一次同一命令[/]")
        raise typer.Exit(1)


@subscribers_app.command("list")
def list_command(
    search: Annotated[str, typer.Option("--search", help="只列出含有这段文字的地址。")] = "",
    status: Annotated[str | None, typer.Option("--status", help="pending、active、unsubscribed、suppressed "
                                                                 "或 bounced。")] = None,
) -> None:
    """列出订阅者及其状态和偏好。"""
    table = Table("邮箱", "状态", "整期", "栏目", "检索", "同意来源")
    for s in subs.list_subscribers(open_cli_store(), search=search, status=status):
        p = s.preferences
        table.add_row(
            escape(s.email), s.status, "是" if p.whole_issue else "否", escape("、".join(p.followed_values)),
            escape("、".join(x.name for x in p.searches)), escape(s.consent_source),
        )
    console.print(table)


@subscribers_app.command("add")
def add_command(
    emails: Annotated[list[str], typer.Argument(help="要直接设为有效的地址（由你担保他们已同意）。")],
    source: Annotated[str, typer.Option("--source", help="在哪里表示的同意。")] = "admin (CLI)",
) -> None:
    """直接添加订阅者，不发确认邮件。"""
    store, bad = open_cli_store(), 0
    for email in emails:
        try:
            console.print(f"已添加 {escape(admin.add(store, CLI_USER, email, source=source).email)}")
        except PolicydigestError as exc:
            err_console.print(f"[red]跳过[/] {escape(email)}：{escape(str(exc))}")
            bad += 1
    if bad:
        raise typer.Exit(1)


@subscribers_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="含 'email' 列的 CSV（其他列同 `export` 写出的格式）。")],
    source: Annotated[str, typer.Option("--source", help="在哪里表示的同意。")] = "admin (CSV import)",
) -> None:
    """从 CSV 导入订阅者；坏行会报告并跳过。"""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"无法读取 {path}：{os_reason(exc) if isinstance(exc, OSError) else exc}") from None
    try:
        report = admin.import_csv(open_cli_store(), CLI_USER, text, source=source)
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    console.print(f"已导入 {report.added} 位订阅者")
    for line, reason in report.failed:
        err_console.print(f"[red]第 {line} 行：[/]{escape(reason)}")
    if report.failed:
        raise typer.Exit(1)


@subscribers_app.command("export")
def export_command(
    out: Annotated[Path | None, typer.Option("--out", help="写入该文件，而不是标准输出。")] = None,
) -> None:
    """把所有订阅者导出为 CSV。"""
    store = open_cli_store()
    text = admin.export_csv(store, CLI_USER, subs.list_subscribers(store), search="", status="")
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@subscribers_app.command("delete")
def delete_command(
    emails: Annotated[list[str], typer.Argument(help="要删除的地址，连同保存的有关它们的一切。")],
) -> None:
    """删除订阅者及其全部数据。"""
    store, missing = open_cli_store(), 0
    for email in emails:
        if admin.delete(store, CLI_USER, email.strip()):
            console.print(f"已删除 {escape(email)}")
        else:
            err_console.print(f"[yellow]没有这个订阅者：[/]{escape(email)}")
            missing += 1
    if missing:
        raise typer.Exit(1)


alerts_app = typer.Typer(help="按保存的检索和偏好发送提醒。", no_args_is_help=True)


@alerts_app.command("run")
def alerts_run_command() -> None:
    """发送到期的摘要邮件：每个保存的检索或偏好，只发读者还没收到过的文章。"""
    settings = state.get_settings()
    store = open_store(settings.database_url)
    sync = attach_search_index(store, settings)
    sync.follow()
    try:
        report = run_alerts(store, settings, sync.index)
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    console.print(f"已排队 {report.digests} 封摘要邮件，共 {report.articles} 篇新文章")
    if report.sent is not None:
        _report(report.sent)


def bounces_command(
    path: Annotated[Path, typer.Argument(help="存放退信报告（DSN）的 Maildir 文件夹或 mbox 文件。")],
) -> None:
    """读取退信报告：硬退信停用该地址，软退信累计（并随时间衰减）。"""
    if not path.exists():
        raise fail(f"没有这个邮箱文件：{path}")
    result = process_mailbox(open_cli_store(), state.get_settings(), path)
    console.print(
        f"硬退信 {len(result.hard)}，软退信 {len(result.soft)}，"
        f"停用地址 {len(result.suppressed)}"
    )
