"""The ``policydigest`` command line (typer + rich)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.cliwording import ChineseGroup, use_chinese_wording
from policydigest.compose.commands import draft_app, publish_command, render_command
from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.delivery import commands as delivery_commands
from policydigest.desk.commands import audit_command, users_app
from policydigest.enrich import commands as enrich_commands
from policydigest.errors import NotFoundError, PolicydigestError
from policydigest.ingest import commands as ingest_commands
from policydigest.ingest.importer import FileResult, ImportReport, expand_paths, import_paths
from policydigest.intel import commands as intel_commands
from policydigest.jobs import commands as jobs_commands
from policydigest.search import commands as search_commands
from policydigest.settings import Settings
from policydigest.store import commands as store_commands
from policydigest.store.export import export_json, export_jsonl
from policydigest.terminal import render_issue
from policydigest.web import commands as web_commands


class ExportFormat(StrEnum):
    """Export formats."""

    json = "json"
    jsonl = "jsonl"


use_chinese_wording()
app = typer.Typer(
    cls=ChineseGroup,
    help="policydigest：导入、加工、检索和出版中国数字经济政策简报。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(draft_app, name="draft")
app.command("publish")(publish_command)
app.command("render")(render_command)
app.add_typer(users_app, name="users")
app.command("audit")(audit_command)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="使用的存储：SQLite 文件路径或数据库 URL（优先于 POLICYDIGEST_DATABASE_URL）。"
        ),
    ] = None,
) -> None:
    """全局选项。"""
    if db is not None and "://" not in db:
        db = f"sqlite:///{db}"
    state.db = db
    state.settings = None


@app.command("config")
def show_config(
    as_json: Annotated[
        bool, typer.Option("--json", help="输出机器可读的列表，含每项设置的英文详细说明（description）。")
    ] = False,
) -> None:
    """列出每项设置、当前值及其作用。"""
    settings = state.get_settings()
    if as_json:
        values = settings.model_dump(mode="json")
        console.print_json(
            data=[
                {"name": name, "value": values[name], "title": field.title, "description": field.description}
                for name, field in Settings.model_fields.items()
            ]
        )
        return
    table = Table("设置", "值", "说明")
    for name, field in Settings.model_fields.items():
        table.add_row(name, escape(repr(getattr(settings, name))), field.title or "")
    console.print(table)


def run() -> None:
    """Entry point that turns expected errors into one line instead of a traceback."""
    try:
        app()
    except PolicydigestError as exc:
        err_console.print(f"[bold red]错误：[/]{exc}")
        raise SystemExit(1) from None


# ---- bulletin import and read-back ---------------------------------------------------------------


def _parse_issue_ref(ref: str) -> int:
    digits = "".join(ch for ch in ref if ch.isdigit())
    if not digits:
        raise fail(f"不是期号：{ref!r}", "请给出总期号，如 176（见 `policydigest issues`）")
    return int(digits)


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="简报文件（.txt、.md、.pdf）或存放它们的文件夹。")],
    replace: Annotated[bool, typer.Option("--replace", help="更新已入库的期。")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出机器可读的报告。")] = False,
    enrich: Annotated[
        bool | None,
        typer.Option("--enrich/--no-enrich", help="导入后加工新文章（设置 enrich_on_import）。"),
    ] = None,
) -> None:
    """导入简报各期；坏文件会报告并跳过，不会中断整批。"""
    settings = state.get_settings()
    if enrich is not None:
        settings = settings.model_copy(update={"enrich_on_import": enrich})
    store = open_cli_store()
    files = expand_paths(paths)
    if not files:
        raise fail("没有找到简报文件", "请指定 .txt、.md 或 .pdf 文件，或存放它们的文件夹")
    with progress_bars(hidden=as_json) as progress:
        task = progress.add_task("导入", total=len(files), visible=len(files) > 1)
        enriching = progress.add_task("加工", total=None, visible=False)

        def report_file(result: FileResult) -> None:
            progress.advance(task)
            if not as_json:
                _print_file_result(result)

        report = import_paths(
            files,
            store,
            settings,
            replace=replace,
            on_file=report_file,
            on_enrich_total=lambda total: progress.update(enriching, total=total, visible=True),
            on_enriched=lambda: progress.advance(enriching),
        )
    if report.enrichment is not None and not as_json:
        done = report.enrichment
        console.print(f"已加工 {done.enriched} 篇文章；近似重复 {done.duplicate_groups} 组")
    if as_json:
        console.print_json(data=report.as_dict())
    if report.failed:
        if not as_json:
            err_console.print(f"[red]{len(report.files)} 个文件中 {len(report.failed)} 个失败[/]")
        raise typer.Exit(1)


_STATUS_LABELS = {"created": "新建", "replaced": "替换", "unchanged": "未变", "skipped": "跳过", "failed": "失败"}


def _print_file_result(result: FileResult) -> None:
    styles = {"created": "green", "replaced": "yellow", "unchanged": "dim", "skipped": "yellow", "failed": "red"}
    status = f"[{styles.get(result.status, 'white')}]{_STATUS_LABELS.get(result.status, result.status):4}[/]"
    if result.status == "failed":
        console.print(f"{status} {result.path}：{result.reason}")
        return
    console.print(f"{status} {result.path}：{result.issue}，{result.articles} 篇文章")
    if result.reason:
        console.print(f"          {result.reason}")
    for warning in result.warnings:
        console.print(f"          [yellow]警告：[/]{escape(warning)}")


@app.command("issues")
def issues_command() -> None:
    """列出已入库的期，最新的在前。"""
    summaries = open_cli_store().list_issues()
    if not summaries:
        console.print("还没有入库的期。请先运行 `policydigest import PATH` 导入。")
        return
    table = Table("总期", "期", "日期", "刊名", "文章数", "封面标题")
    for s in summaries:
        table.add_row(str(s.total_number), str(s.number), s.date, s.series, str(s.articles), escape(s.cover_headline))
    console.print(table)


@app.command("show")
def show_command(
    issue: Annotated[str, typer.Argument(help="该期的总期号，如 176。")],
    full: Annotated[bool, typer.Option("--full", help="显示每一段，而不只是导语。")] = False,
) -> None:
    """在终端显示一期：报头、目录和文章。"""
    try:
        found = open_cli_store().get_issue(_parse_issue_ref(issue))
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    render_issue(console, found, full=full)


@app.command("export")
def export_command(
    issue: Annotated[int | None, typer.Option("--issue", help="只导出这一总期。")] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json（一个文档）或 jsonl（每行一期）。")
    ] = ExportFormat.json,
    out: Annotated[Path | None, typer.Option("--out", help="写入该文件，而不是标准输出。")] = None,
) -> None:
    """导出各期及其目录和文章（格式见 README）。"""
    store = open_cli_store()
    try:
        issues = [store.get_issue(issue)] if issue is not None else list(store.iter_issues())
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    text = export_json(issues) if fmt is ExportFormat.json else export_jsonl(issues)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"已将 {len(issues)} 期写入 {out}")


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="演示用的存储和文件所在的文件夹。")] = Path("demo-output"),
) -> None:
    """端到端运行演示：导入样例，加工、起草、出版并输出一期（PDF、HTML）。"""
    from policydigest.compose.demo import run_demo
    from policydigest.profile import profile_for

    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    state.db = f"sqlite:///{db}"
    state.settings = None
    store = open_cli_store()
    settings = state.get_settings()

    def imported(report: ImportReport) -> None:
        for result in report.files:
            _print_file_result(result)
        if report.failed:
            raise fail("样例简报导入失败", "这是程序缺陷，请报告")

    result = run_demo(
        out, store, settings, profile_for(settings), on_import=imported, say=lambda line: console.print(escape(line))
    )
    render_issue(console, store.get_issue(result.total_number), full=False)
    # Paths are printed unwrapped so they can be copied whole.
    console.print(f"\n存储：{db}（试试：policydigest --db {db} draft show --all）", soft_wrap=True, highlight=False)
    console.print(f"PDF： {result.pdf}", soft_wrap=True, highlight=False)
    console.print(f"HTML：{result.html}", soft_wrap=True, highlight=False)
    from policydigest.desk.accounts import demo_accounts

    console.print("\n编辑台账号（每个角色一个；密码每次运行都不同）：", highlight=False)
    for name, role, password in demo_accounts(store):
        console.print(f"  {name:18} {role.value:12} 密码：{password}", soft_wrap=True, highlight=False)
    console.print(
        f"打开编辑台：运行 policydigest --db {db} serve，然后访问 http://{settings.web_host}:{settings.web_port}/login",
        soft_wrap=True,
        highlight=False,
    )


# ---- commands of the other stages -------------------------------------------------------------

app.command("add")(ingest_commands.add_command)
app.command("crawl")(jobs_commands.crawl_command)
app.command("watch")(ingest_commands.watch_command)
app.command("sources")(ingest_commands.sources_command)
app.command("enrich")(enrich_commands.enrich_command)
app.command("analyze")(enrich_commands.analyze_command)
app.command("fit-columns")(enrich_commands.fit_columns_command)
app.command("search")(search_commands.search_command)
app.command("reindex")(search_commands.reindex_command)
app.command("serve")(web_commands.serve_command)
app.command("migrate")(store_commands.migrate_command)
app.command("backup")(store_commands.backup_command)
app.command("restore")(store_commands.restore_command)
app.command("worker")(jobs_commands.worker_command)
app.command("jobs")(jobs_commands.jobs_command)
app.command("send")(jobs_commands.send_command)
app.add_typer(delivery_commands.subscribers_app, name="subscribers")
app.add_typer(delivery_commands.alerts_app, name="alerts")
app.command("bounces")(delivery_commands.bounces_command)
app.command("intel")(intel_commands.intel_command)
app.command("documents")(intel_commands.documents_command)
app.command("follow-ups")(intel_commands.follow_ups_command)
app.command("targets")(intel_commands.targets_command)
app.command("compare")(intel_commands.compare_command)
