"""Command line of web ingest: ``add``, ``crawl``, ``watch`` and ``sources`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from policydigest.console import console, err_console, fail, open_cli_store, state


class _CrawlBars:
    """Rich progress bars for a crawl: one bar per source."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def source(self, name: str, items: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        self.task = self.progress.add_task(name, total=max(items, 0))

    def advance(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


_ADD_LABELS = {
    "stored": "已入库", "duplicate": "重复", "already stored": "已存在", "no body": "无正文", "failed": "失败",
    "blocked": "被拒绝",
}
_HEALTH_LABELS = {"ok": "正常", "warning": "警告", "failing": "失败", "never run": "未运行"}


def add_command(
    inputs: Annotated[list[str], typer.Argument(help="网页地址，或保存下来的 HTML 文件。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出提取的内容。")] = False,
) -> None:
    """把网页或保存的页面存为文章（并加工）。"""
    from policydigest.ingest.add import add_inputs

    settings = state.get_settings()
    store = open_cli_store()
    with _progress() as progress:
        task = progress.add_task("添加", total=len(inputs))
        outcomes = add_inputs(inputs, settings, store, advance=lambda: progress.advance(task))
    if as_json:
        payload = [
            {
                "input": o.input,
                "status": o.status,
                "article_id": o.article_id,
                "reason": o.reason or None,
                "article": o.article.model_dump(mode="json") if o.article is not None else None,
            }
            for o in outcomes
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        table = Table("输入", "状态", "文章", "标题／原因")
        for o in outcomes:
            detail = o.article.title if o.article is not None else o.reason
            table.add_row(escape(o.input), _ADD_LABELS.get(o.status, o.status), str(o.article_id or ""), escape(detail))
        console.print(table)
    if any(o.status in ("failed", "blocked", "no body") for o in outcomes):
        raise typer.Exit(1)


def crawl_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="信息源目录（TOML）；默认：设置 catalogue_file。")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="运行每个启用的信息源，不论是否到期。")] = False,
) -> None:
    """把目录中到期的信息源各运行一次：抓取新链接，提取并入库。"""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.crawl import crawl_once

    settings = state.get_settings()
    specs = load_catalogue(catalogue or settings.catalogue_file)
    store = open_cli_store()
    with _progress() as progress:
        report = crawl_once(settings, store, catalogue=specs, force=force, progress=_CrawlBars(progress))
    table = Table("来源", "链接", "新链接", "入库", "重复", "无正文", "失败", "错误")
    for run in report.runs:
        t = run.tally
        table.add_row(
            escape(run.name),
            "304" if run.links is None and run.error is None else str(run.links or 0),
            str(run.new),
            str(t.stored),
            str(t.duplicates),
            str(t.no_body),
            str(t.failed + t.retrying + t.blocked),
            escape(run.error or ""),
        )
    console.print(table)
    console.print(f"入库 {report.stored} 篇，重复 {report.duplicates} 篇；{len(report.skipped)} 个来源未到期")


def watch_command(
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="信息源目录（TOML）；默认：设置 catalogue_file。")
    ] = None,
    tick: Annotated[
        float | None, typer.Option("--tick", help="检查到期来源的间隔秒数（设置 watch_tick）。")
    ] = None,
) -> None:
    """按计划持续抓取到期的信息源，直到 Ctrl-C 或 SIGTERM。"""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.crawl import CrawlReport, watch

    settings = state.get_settings()
    if tick is not None:
        settings = settings.model_copy(update={"watch_tick": tick})
    specs = load_catalogue(catalogue or settings.catalogue_file)
    store = open_cli_store()

    def show(report: CrawlReport) -> None:
        errors = sum(1 for run in report.runs if run.error)
        console.print(
            f"运行 {len(report.runs)} 个来源，入库 {report.stored} 篇，重复 {report.duplicates} 篇，"
            f"{errors} 个出错"
        )

    console.print(f"正在监视 {len(specs)} 个来源；按 Ctrl-C 停止")
    rounds = watch(settings, store, catalogue=specs, on_report=show)
    console.print(f"已停止，共运行 {rounds} 轮")


def sources_command(
    action: Annotated[str | None, typer.Argument(help="test：显示信息源 NAME 运行一次会做什么。")] = None,
    name: Annotated[str | None, typer.Argument(help="与 test 同用：信息源在目录中的名称。")] = None,
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="信息源目录（TOML）；默认：设置 catalogue_file。")
    ] = None,
    items: Annotated[int, typer.Option("--items", min=1, max=50, help="与 test 同用：读取的文章数。")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出每个信息源的状况。")] = False,
) -> None:
    """显示每个信息源的状况（最近成功、最近新文章、错误、每周文章数、问题）；
    ``test NAME``：显示该信息源运行一次会抓取和提取什么，不入库。"""
    if action is not None:
        if action != "test" or not name:
            raise fail(f"未知的 sources 操作：{action}", "用法：policydigest sources test NAME")
        _sources_test(name, catalogue, items)
        return
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.health import Health, source_health
    from policydigest.store.sources import SourceRepository

    settings = state.get_settings()
    specs = load_catalogue(catalogue or settings.catalogue_file)
    report = source_health(SourceRepository(open_cli_store()).states(), specs, settings)
    if as_json:
        rows = [
            {"name": h.name, "kind": h.kind, "url": h.url, "health": h.health.value, "verified": h.verified,
             "error_streak": h.state.error_streak if h.state else 0, "items_per_week": h.items_per_week,
             "flags": list(h.flags)}
            for h in report
        ]  # fmt: skip
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    colours = {Health.OK: "green", Health.WARNING: "yellow", Health.FAILING: "red", Health.NEVER_RUN: "dim"}
    table = Table(
        "来源", "类型", "状况", "最近成功", "最近新文章", "连续错误", "每周文章", "已核实", "问题"
    )

    def when(value: dt.datetime | None) -> str:
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"

    for h in report:
        s = h.state
        table.add_row(
            escape(h.name),
            h.kind,
            f"[{colours[h.health]}]{_HEALTH_LABELS[h.health.value]}[/]",
            when(s.last_success_at if s else None),
            when(s.last_new_item_at if s else None),
            str(s.error_streak if s else 0),
            f"{h.items_per_week:.1f}",
            {True: "是", False: "否", None: "—"}[h.verified],
            escape("; ".join(h.flags)),
        )
    console.print(table)


def _sources_test(name: str, catalogue: Path | None, items: int) -> None:
    """Show what one run of a source would fetch and extract (pages, links, articles, attachments); store nothing."""
    from policydigest.ingest.catalogue import load_catalogue
    from policydigest.ingest.fetch import Fetcher
    from policydigest.ingest.trial import try_source

    settings = state.get_settings()
    specs = {spec.name: spec for spec in load_catalogue(catalogue or settings.catalogue_file)}
    if name not in specs:
        err_console.print(f"[red]没有名为 {escape(name)} 的来源[/]；可用：{escape('、'.join(specs))}")
        raise typer.Exit(1)
    with Fetcher(settings) as fetcher:
        trial = try_source(specs[name], fetcher=fetcher, items=items)
    console.print(f"[bold]{escape(trial.name)}[/]：列表页 {len(trial.pages)} 个，链接 {trial.links} 个")
    for page in trial.pages:
        console.print(f"  列表页 {escape(page)}")
    if trial.error:
        err_console.print(f"[red]{escape(trial.error)}[/]")
        raise typer.Exit(1)
    for item in trial.items:
        if item.reason:
            console.print(f"- {escape(item.url)}: [yellow]{escape(item.reason)}[/]")
            continue
        facts = f"{item.published or '—'}，{item.body_chars} 字"
        console.print(f"- {escape(item.title)} ({facts}) {escape(item.url)}")
        for doc in item.documents:
            how = f"{doc.format or doc.kind}，{len(doc.text)} 字" + (
                f"，OCR {doc.ocr_confidence:.0f}%" if doc.ocr else ""
            )
            note = f" [yellow]{escape(doc.reason)}[/]" if doc.reason else ""
            console.print(f"    附件 {escape(doc.name or doc.url)} ({how}){note}")
