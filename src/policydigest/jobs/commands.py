"""Command line of the job queue: ``worker``, ``jobs``, ``crawl --enqueue`` and ``send --enqueue`` (registered by
``policydigest.cli``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.console import console, err_console, fail, open_cli_store, state
from policydigest.delivery import commands as delivery_commands
from policydigest.errors import ConfigError, NotFoundError
from policydigest.ingest import commands as ingest_commands
from policydigest.jobs.queue import JobQueue, queue_for
from policydigest.jobs.schedule import enqueue_due_sources

NEEDS_POSTGRES = "请把 database_url 设为 PostgreSQL 存储（job_queue 设为 'auto' 或 'postgres'）"


def _queue() -> JobQueue:
    try:
        queue = queue_for(state.get_settings())
    except ConfigError as exc:
        raise fail(str(exc), NEEDS_POSTGRES) from None
    if queue is None:
        raise fail("没有任务队列：SQLite 存储在本进程内运行所有任务（任务队列需要 PostgreSQL）", NEEDS_POSTGRES)
    return queue


def worker_command(
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", "-c", help="同时运行的任务数（设置 worker_concurrency）。")
    ] = None,
    queues: Annotated[
        str | None, typer.Option("--queues", "-q", help="从哪些队列取任务，逗号分隔：crawl,fetch,enrich,render,send。")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="队列空了就停止，而不是等待。")] = False,
) -> None:
    """运行 PostgreSQL 队列中的任务，直到 Ctrl-C 或 SIGTERM；按工作量启动任意多个 worker。"""
    queue = _queue()
    settings = state.get_settings()
    chosen = [q.strip() for q in queues.split(",") if q.strip()] if queues else None
    err_console.print(
        f"worker：同时 {concurrency or settings.worker_concurrency} 个任务，队列 {'、'.join(chosen or ['全部'])}"
    )
    queue.run_worker(concurrency=concurrency or settings.worker_concurrency, queues=chosen, wait=not once)


def jobs_command(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出计数和失败的任务。")] = False,
    limit: Annotated[int, typer.Option("--limit", help="最多显示的失败任务数。")] = 50,
) -> None:
    """各队列各状态的任务数，以及死信列表：彻底失败的任务及其错误。"""
    store = open_cli_store()
    with _queue() as queue:
        counts, dead = queue.counts(), queue.dead_letter(store, limit=limit)
    if as_json:
        payload = {"queues": [asdict(c) for c in counts], "dead": [asdict(d) for d in dead]}
        console.print_json(json.dumps(payload, ensure_ascii=False, default=str))
        return
    table = Table("队列", "待办", "进行中", "完成", "失败")
    for count in counts:
        table.add_row(count.queue, str(count.todo), str(count.doing), str(count.succeeded), str(count.failed))
    console.print(table)
    if not dead:
        console.print("没有失败的任务")
        return
    failed = Table("任务", "类型", "参数", "尝试", "错误", title="失败的任务（死信）")
    for job in dead:
        failed.add_row(str(job.id), job.task, escape(json.dumps(job.args, ensure_ascii=False)), str(job.attempts),
                       escape(job.error))  # fmt: skip
    console.print(failed)


def crawl_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="信息源目录（TOML）；默认：设置 catalogue_file。")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="运行每个启用的信息源，不论是否到期。")] = False,
    enqueue: Annotated[
        bool, typer.Option("--enqueue", help="为每个到期来源排一个任务给 worker，而不是在这里抓取。")
    ] = False,
) -> None:
    """把目录中到期的信息源各运行一次（加 --enqueue 则排队交给 worker）。"""
    if not enqueue:
        ingest_commands.crawl_command(catalogue=catalogue, force=force)
        return
    settings = state.get_settings()
    store = open_cli_store()
    with _queue() as queue:
        queued = enqueue_due_sources(settings, store, queue, catalogue=catalogue, force=force)
    console.print(f"已排队 {len(queued)} 个来源：{', '.join(queued) or '无'}")


def send_command(
    total_number: Annotated[int, typer.Argument(help="已入库的一期的总期号。")],
    enqueue: Annotated[
        bool, typer.Option("--enqueue", help="把发送作为任务排入队列交给 worker，而不在本地发送。")
    ] = False,
) -> None:
    """把一期通过电子邮件发给每位订阅者，或续发中断的发送（加 --enqueue 则排入队列）。"""
    if not enqueue:
        delivery_commands.send_command(total_number)
        return
    queue = _queue()
    try:
        open_cli_store().get_issue(total_number)  # an unknown issue is refused here, not dead-lettered later
    except NotFoundError as exc:
        raise fail(str(exc), "见 `policydigest issues`") from None
    with queue:
        job = queue.defer("send_issue", lock=f"send:{total_number}", total_number=total_number)
    if job is None:
        console.print(f"总第{total_number}期 已在发送队列中")
    else:
        console.print(f"已排队发送 总第{total_number}期（任务 {job}）")
