"""``policydigest analyze``: the whole per-article pipeline on one raw article, nothing stored.

The input is plain text: the first non-empty line is the title, the rest the body (one paragraph a
line). The result has the shape documented in issue 3 and docs/enrichment.md::

    {"column", "column_confidence", "column_reasons", "topics", "summary", "lead",
     "facts": {"documents", "authorities", "regions", "dates", "targets", "money"}}
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from policydigest.enrich.pipeline import Pipeline
from policydigest.errors import EmptyInputError
from policydigest.model import Article, Block

FACT_KINDS: tuple[str, ...] = ("documents", "authorities", "regions", "dates", "targets", "money")
#: Per-article stages analyze always runs (near-duplicates need a corpus, so they are left out).
ANALYZE_STAGES: tuple[str, ...] = ("facts", "topics", "column", "summary")


def article_from_text(text: str) -> Article:
    """An article from raw text: first non-empty line the title, every further line a paragraph.

    >>> a = article_from_text("\\ufeff标题\\n\\n第一段。\\n  第二段。 \\n")
    >>> a.title, a.body
    ('标题', '第一段。\\n第二段。')
    >>> article_from_text(" \\n\\t")
    Traceback (most recent call last):
    ...
    policydigest.errors.EmptyInputError: 输入是空的：第一行写标题，其后写正文
    """
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise EmptyInputError("输入是空的：第一行写标题，其后写正文")
    return Article(title=lines[0], blocks=[Block.paragraph(line) for line in lines[1:]])


def analysis(article: Article, pipeline: Pipeline) -> tuple[dict[str, Any], dict[str, str]]:
    """The issue-3 JSON of an article run through ``pipeline``, and any stage errors.

    >>> from policydigest.enrich.pipeline import build_pipeline
    >>> from policydigest.settings import Settings
    >>> result, errors = analysis(article_from_text("标题\\n正文。"), build_pipeline(Settings(), ["summary"]))
    >>> sorted(result), errors
    (['column', 'column_confidence', 'column_reasons', 'facts', 'lead', 'summary', 'topics'], {})
    """
    done = pipeline.enrich(article, force=True).enrichment
    facts = done.facts.model_dump(mode="json") if done.facts is not None else {}
    result = {
        "column": done.column_name,
        "column_confidence": done.column.confidence if done.column is not None else 0.0,
        "column_reasons": done.column.reasons if done.column is not None else [],
        "topics": [label.model_dump(mode="json") for label in done.topic_labels],
        "summary": done.summary.summary if done.summary is not None else "",
        "lead": done.summary.lead if done.summary is not None else "",
        "facts": {kind: facts.get(kind, []) for kind in FACT_KINDS},
    }
    return result, dict(done.errors)


def _fact_fields(fact: dict[str, Any]) -> str:
    skip = {"text", "start", "end"}
    return ", ".join(f"{k}={v}" for k, v in fact.items() if k not in skip and v not in (None, ""))


def render_analysis(console: Console, article: Article, result: dict[str, Any]) -> None:
    """A readable report of :func:`analysis` for the terminal."""
    console.print(f"[bold]{escape(article.title)}[/]  [dim]（{len(article.body)} 字）[/]")
    column = result["column"] or "—"
    console.print(f"\n[bold]栏目[/] {escape(column)}  [dim]置信度 {result['column_confidence']:.2f}[/]")
    for reason in result["column_reasons"]:
        console.print(f"  · {escape(reason)}")
    topics = "、".join(f"{t['label']} ({t['score']:.1f})" for t in result["topics"]) or "—"
    console.print(f"\n[bold]主题[/] {escape(topics)}")
    console.print(f"\n[bold]导语[/] {escape(result['lead'] or '—')}")
    console.print(f"[bold]摘要[/] {escape(result['summary'] or '—')}")
    for kind in FACT_KINDS:
        facts = result["facts"][kind]
        if not facts:
            continue
        table = Table(title=f"{kind} ({len(facts)})", title_justify="left", show_edge=False)
        table.add_column("原文")
        table.add_column("位置", justify="right")
        table.add_column("规范化")
        for fact in facts:
            table.add_row(
                escape(str(fact.get("text", ""))), f"{fact.get('start')}–{fact.get('end')}", escape(_fact_fields(fact))
            )
        console.print()
        console.print(table)
    if not any(result["facts"].values()):
        console.print("\n[dim]没有找到事实[/]")
