"""Command line of policy intelligence: ``intel``, ``documents``, ``follow-ups``, ``targets``, ``compare``.

Each command first brings the intelligence tables up to date (only changed articles are redone).
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
from policydigest.intel import build_intel
from policydigest.intel.queries import compare, find_document, follow_ups_of, list_documents, list_targets
from policydigest.store import Store

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _store() -> Store:
    store = open_cli_store()
    build_intel(store)
    return store


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def intel_command(full: Annotated[bool, typer.Option("--full", help="Redo every article.")] = False) -> None:
    """Build the documents, follow-up and target tables (only changed articles unless --full)."""
    report = build_intel(open_cli_store(), full=full)
    console.print(
        f"已处理 {report.rebuilt}/{report.articles} 篇文章：{report.documents} 份文件，"
        f"{report.follow_ups} 条落实关系，{report.targets} 项目标"
    )


def documents_command(
    level: Annotated[str | None, typer.Option("--level", help="national, provincial, city or foreign.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region full name, e.g. 浙江省.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the policy documents named in articles, most mentioned first."""
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
    name_or_id: Annotated[str, typer.Argument(help="Document id, name, alias or part of its name.")],
    as_json: JsonOption = False,
) -> None:
    """List the local documents and articles that follow up a higher-level document."""
    with _store().session() as session:
        try:
            document = find_document(session, name_or_id)
        except NotFoundError as exc:
            raise fail(str(exc), "list documents with `policydigest documents`") from None
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
    region: Annotated[str | None, typer.Option("--region", help="Region, or the start of its name (贵州).")] = None,
    due_before: Annotated[str | None, typer.Option("--due-before", help="Only targets due before YYYY-MM-DD.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List quantitative targets, soonest deadline first."""
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
    ids: Annotated[list[str], typer.Argument(help="2–4 ids: articles as 12, documents as d3.")],
    as_json: JsonOption = False,
) -> None:
    """Compare 2–4 documents or articles side by side: issuers, dates, targets aligned by metric, money, measures."""
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
