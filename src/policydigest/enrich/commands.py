"""Command line of enrichment: ``enrich``, ``analyze`` and ``fit-columns`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.errors import NotFoundError, PolicydigestError, os_reason


def enrich_command(
    all_articles: Annotated[bool, typer.Option("--all", help="加工每一篇已入库的文章。")] = False,
    issue: Annotated[int | None, typer.Option("--issue", help="只加工这一总期的文章。")] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="只运行这个阶段（可重复）；默认：设置 enrich_stages。"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="已是最新的文章也重新加工。")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出机器可读的报告。")] = False,
) -> None:
    """加工已入库的文章：事实、主题、栏目、摘要、近似重复（可断点续做）。"""
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.enrich.runner import enrich_store

    if all_articles == (issue is not None):
        raise fail("请指明要加工哪些文章", "用 --all，或用 --issue N 指定一期")
    try:
        pipeline = build_pipeline(state.get_settings(), stage)
    except PolicydigestError as exc:
        raise fail(str(exc), "enrich_stages 等设置见 `policydigest config`") from None
    if not as_json:
        err_console.print(f"[dim]阶段：{'、'.join(pipeline.names) or '无'}[/]")
    store = open_cli_store()
    with progress_bars(hidden=as_json) as progress:
        task = progress.add_task("加工", total=None)
        try:
            report = enrich_store(
                store,
                pipeline,
                issue=issue,
                force=force,
                on_total=lambda n: progress.update(task, total=n),
                on_article=lambda: progress.advance(task),
            )
        except NotFoundError as exc:
            raise fail(str(exc)) from None
    if as_json:
        console.print_json(data=report.as_dict())
        return
    console.print(
        f"共 {report.considered} 篇文章：加工 {report.enriched} 篇，{report.up_to_date} 篇已是最新"
        + (f"，[yellow]{report.with_errors} 篇有阶段出错[/]" if report.with_errors else "")
    )
    if pipeline.duplicates is not None:
        groups, updated = report.duplicate_groups, report.duplicates_updated
        console.print(f"近似重复：{groups} 组，更新 {updated} 篇文章")


def analyze_command(
    file: Annotated[str, typer.Argument(help="文本文件（第一行为标题，其余为正文），或用 - 表示标准输入。")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果。")] = False,
) -> None:
    """对一篇原始文章运行加工流程，不入库。"""
    from policydigest.enrich.analyze import ANALYZE_STAGES, analysis, article_from_text, render_analysis
    from policydigest.enrich.pipeline import build_pipeline
    from policydigest.ingest.decoding import decode_text

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise fail(f"无法读取 {file}：{os_reason(exc)}") from None
    try:
        article = article_from_text(decode_text(data)[0] if data.strip() else "")
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    try:
        pipeline = build_pipeline(state.get_settings(), ANALYZE_STAGES)
    except PolicydigestError as exc:
        raise fail(str(exc), "见 `policydigest config`") from None
    result, errors = analysis(article, pipeline)
    for name, message in errors.items():
        err_console.print(f"[yellow]警告：[/]阶段 {name} 出错：{escape(message)}")
    if as_json:
        console.print_json(data=result, ensure_ascii=False)
    else:
        render_analysis(console, article, result)


def fit_columns_command(
    out: Annotated[Path, typer.Option("--out", help="拟合出的权重写到哪里（JSON）。")] = Path(
        "column_weights.json"
    ),
    l2: Annotated[float, typer.Option("--l2", help="向领域先验收拢的力度（越大越接近先验）。")] = 1.0,
) -> None:
    """用已入库各期（编辑所定的栏目）拟合栏目模型，并以留一期法评估。"""
    from policydigest.enrich.column import ROLES, Feature
    from policydigest.enrich.column_fit import fit, leave_one_issue_out
    from policydigest.enrich.pipeline import ColumnStage

    settings = state.get_settings()
    stage = ColumnStage(settings, None)
    issues: dict[int, list[tuple[str, list[Feature], str]]] = {}
    for found in open_cli_store().iter_issues():
        for article in found.articles:
            if article.column in stage.columns:
                role = ROLES[stage.columns.index(article.column)]
                issues.setdefault(found.total_number, []).append((article.title, stage.features_of(article), role))
    if len(issues) < 2:
        raise fail("拟合至少需要两期带栏目的已入库简报", "请先导入更多期")
    judged = leave_one_issue_out(issues, l2=l2)
    right = sum(j.right for j in judged)
    console.print(f"留一期法准确率：{right}/{len(judged)} = {right / len(judged):.1%}")
    for j in judged:
        if not j.right:
            console.print(f"  [yellow]错判[/] 总第{j.issue}期 {escape(j.title)}：{j.truth} → {j.predicted}")
    examples = [(fired, role) for rows in issues.values() for _, fired, role in rows]
    numbers = "/".join(str(n) for n in sorted(issues))
    model = fit(examples, l2=l2, label=f"{len(examples)} articles of the issues 总第{numbers}期")
    model.save(out)
    console.print(f'已写入 {out}；使用方法：column_model_file = "{out}"')
