"""Command line of search: ``search`` and ``reindex`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic_core import to_jsonable_python
from rich.markup import escape

from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.errors import problems_zh
from policydigest.search import Query, SearchResult, SortOrder, attach_search_index, index_folder, rebuild_index
from policydigest.search.facets import FACET_BY_NAME, Facet, with_facet_parameters
from policydigest.store import open_store


def _terminal_markup(html_text: str) -> str:
    """A snippet's HTML (escaped text, <mark>) as rich markup."""
    import html

    parts = html_text.replace("</mark>", "<mark>").split("<mark>")
    pieces = (escape(html.unescape(part)) for part in parts)
    return "".join(f"[bold yellow]{p}[/]" if i % 2 else p for i, p in enumerate(pieces))


def _result_json(result: SearchResult) -> dict[str, object]:
    """What ``--json`` prints: the API's answer without its paging, and the query as typed."""
    return {"query": result.query.text, **to_jsonable_python(result.answer())}


def _filter_option(facet: Facet) -> Any:
    option = typer.Option(f"--{facet.param}", help=f"按{facet.label}筛选（可重复：满足其一即可）")
    return Annotated[list[int] | None, option] if facet.numeric else Annotated[list[str] | None, option]


@with_facet_parameters(_filter_option, default=None)
def search_command(
    text: Annotated[str, typer.Argument(help='词语（须全部出现）、"短语"、前缀*、-排除词。')] = "",
    since: Annotated[str | None, typer.Option("--since", help="不早于这一天（YYYY-MM-DD）。")] = None,
    until: Annotated[str | None, typer.Option("--until", help="不晚于这一天（YYYY-MM-DD）。")] = None,
    sort: Annotated[SortOrder, typer.Option("--sort", help="relevance（相关度）或 date。")] = SortOrder.RELEVANCE,
    limit: Annotated[int, typer.Option("--limit", help="显示的结果数。")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果和分面计数。")] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="严格按输入的词语检索：不略去疑问词，不用同义词或简称，"
            "没有文章包含全部词语时也不给出最接近的文章。",
        ),
    ] = False,
    **filters: list[str] | list[int] | None,
) -> None:
    """检索已入库的文章（中文词语精确匹配；繁体字也可以）。

    每个分面都是一个选项（--column、--region、--issue …）。
    """
    from pydantic import ValidationError

    try:
        query = Query(
            text=text,
            filters={name: [str(v) for v in values] for name, values in filters.items() if values},
            since=since or None,
            until=until or None,
            sort=sort,
            limit=limit,
            expand=not exact,
        )
    except ValidationError as exc:
        problems = problems_zh(exc.errors())
        raise fail(f"检索条件有误：{problems}", "日期格式为 YYYY-MM-DD；--limit 为 0 到 1000") from None
    store = open_store(state.get_settings().database_url)
    sync = attach_search_index(store, state.get_settings())
    if sync.folder is not None and not (sync.folder / "tantivy").is_dir():
        err_console.print(f"[dim]正在 {sync.folder} 建立检索索引 …[/]")
    if sync.pending():
        sync(frozenset())
    result = sync.index.search(query)
    if as_json:
        console.print_json(data=_result_json(result))
        return
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    console.print(f"{'约 ' if result.approximate else ''}{result.total} 篇文章  [dim]（{result.took_ms:.1f} 毫秒）[/]")
    for n, hit in enumerate(result.hits, start=1 + query.offset):
        meta = " · ".join(x for x in (hit.date.isoformat() if hit.date else "", hit.column or "", f"#{hit.id}") if x)
        console.print(f"[bold]{n}. {_terminal_markup(hit.title_html)}[/]  [dim]{escape(meta)}[/]")
        console.print(f"   {_terminal_markup(hit.snippet)}")
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(f"{escape(c.value)} {c.count}" for c in counts[:8])
            console.print(f"[dim]{FACET_BY_NAME[name].label}：[/]{shown}")


def reindex_command() -> None:
    """从存储重建检索索引（新索引就绪前旧索引照常服务）。"""
    settings = state.get_settings()
    store = open_cli_store()
    folder = index_folder(settings)
    with progress_bars() as progress:
        task = progress.add_task("建索引", total=None)
        index = rebuild_index(
            store,
            folder,
            on_total=lambda n: progress.update(task, total=n),
            on_article=lambda: progress.advance(task),
            semantic=settings.search_semantic,
        )
    if folder is not None:
        (folder / "pending.json").unlink(missing_ok=True)
    console.print(f"已为 {index.count()} 篇文章建立索引，位于 {folder if folder is not None else '内存'}")
