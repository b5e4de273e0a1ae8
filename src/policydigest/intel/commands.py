"""Command line of policy intelligence: ``intel``, ``documents``, ``follow-ups``, ``targets``, ``compare``.

Each command first builds what changed since the last build (writers build after each write; this
catches up on writes of processes without a builder).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from policydigest.console import console, err_console, fail, open_cli_store
from policydigest.errors import BadInputError, NotFoundError
from policydigest.intel import build_intel, update_intel
from policydigest.intel.queries import compare, find_document, follow_ups_of, list_documents, list_targets
from policydigest.store import Store

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON，而不是表格。")]


def _store() -> Store:
    store = open_cli_store()
    update_intel(store)
    return store


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def intel_command(full: Annotated[bool, typer.Option("--full", help="重做每一篇文章。")] = False) -> None:
    """建立政策文件、落实关系和目标表（除非加 --full，只处理有变化的文章）。"""
    report = build_intel(open_cli_store(), full=full)
    console.print(
        f"已处理 {report.rebuilt}/{report.articles} 篇文章：{report.documents} 份文件，"
        f"{report.follow_ups} 条落实关系，{report.targets} 项目标"
    )


def documents_command(
    level: Annotated[str | None, typer.Option("--level", help="national、provincial、city 或 foreign。")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区全称，如 浙江省。")] = None,
    as_json: JsonOption = False,
) -> None:
    """列出文章中提到的政策文件，提及最多的在前。"""
    with _store().session() as session:
        documents = list_documents(session, level=level, region=region)
    if as_json:
        _print_json([asdict(d) for d in documents])
        return
    table = Table("id", "文件", "级别", "地区", "发文机关", "首见", "提及")
    for d in documents:
        table.add_row(
            str(d.id), d.name, d.level or "", d.region or "", "、".join(d.issuers), d.first_seen or "", str(d.mentions)
        )
    console.print(table)


def follow_ups_command(
    name_or_id: Annotated[str, typer.Argument(help="文件编号、名称、简称或名称的一部分。")],
    as_json: JsonOption = False,
) -> None:
    """列出落实某份上级文件的地方文件和文章。"""
    with _store().session() as session:
        try:
            document = find_document(session, name_or_id)
        except NotFoundError as exc:
            raise fail(str(exc), "用 `policydigest documents` 列出文件") from None
        links = follow_ups_of(session, document)
    if as_json:
        _print_json([asdict(link) for link in links])
    if not links:
        err_console.print(f"《{document.name}》（{document.id}）暂无下级落实文件或文章")
        return
    if not as_json:
        table = Table("文章", "标题", "地区", "关系", "滞后天数", "依据")
        for link in links:
            table.add_row(
                str(link.article_id), link.title, link.region or "", link.relation, str(link.lag_days), link.evidence
            )
        console.print(table)


def targets_command(
    region: Annotated[str | None, typer.Option("--region", help="地区，或其名称的开头（贵州）。")] = None,
    due_before: Annotated[str | None, typer.Option("--due-before", help="只列出期限早于 YYYY-MM-DD 的目标。")] = None,
    as_json: JsonOption = False,
) -> None:
    """列出量化目标，期限最近的在前。"""
    try:
        before = dt.date.fromisoformat(due_before) if due_before else None
    except ValueError:
        raise fail(f"日期格式应为 YYYY-MM-DD：{due_before}") from None
    with _store().session() as session:
        targets = list_targets(session, region=region, due_before=before)
    if as_json:
        _print_json([{k: v for k, v in asdict(t).items() if k != "comparator"} for t in targets])
        return
    table = Table("目标", "指标", "数值", "期限", "地区", "发文机关", "文章")
    for t in targets:
        table.add_row(
            t.text,
            t.metric,
            f"{t.comparator} {t.value:g} {t.unit}",
            t.deadline or "",
            t.region or "",
            t.issuer or "",
            str(t.article_id),
        )
    console.print(table)


def compare_command(
    ids: Annotated[list[str], typer.Argument(help="2–4 个编号：文章如 12，文件如 d3。")],
    as_json: JsonOption = False,
) -> None:
    """并排比较 2–4 份文件或文章：发文机关、日期、按指标对齐的目标、资金和措施。"""
    with _store().session() as session:
        try:
            result = compare(session, ids)
        except (NotFoundError, BadInputError) as exc:
            raise fail(str(exc)) from None
    if as_json:
        _print_json(result)
        return
    table = Table("", *[f"{item['id']} {item['title']}" for item in result["items"]])
    table.add_row("日期", *[item["date"] or "" for item in result["items"]])
    table.add_row("机关", *["、".join(item["issuers"]) for item in result["items"]])
    for row in result["targets"]:
        table.add_row(row["metric"], *[f"{v['value']:g}{v['unit']}" if v else "—" for v in row["values"]])
    console.print(table)
