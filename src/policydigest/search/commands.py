"""Command line of search: ``search`` and ``reindex`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from policydigest.console import console, err_console, fail, open_cli_store, progress_bars, state
from policydigest.search import Query, SearchResult, SortOrder, attach_search_index, index_folder, rebuild_index
from policydigest.search.facets import Facet, with_facet_parameters
from policydigest.store import open_store


def _terminal_markup(html_text: str) -> str:
    """A snippet's HTML (escaped text, <mark>) as rich markup."""
    import html

    parts = html_text.replace("</mark>", "<mark>").split("<mark>")
    pieces = (escape(html.unescape(part)) for part in parts)
    return "".join(f"[bold yellow]{p}[/]" if i % 2 else p for i, p in enumerate(pieces))


def _result_json(result: SearchResult) -> dict[str, object]:
    hits = [
        {
            "id": h.id,
            "title": h.title,
            "column": h.column,
            "date": h.date.isoformat() if h.date else None,
            "score": h.score,
            "snippet": h.snippet,
        }
        for h in result.hits
    ]
    facets = {name: [c.model_dump() for c in counts] for name, counts in result.facets.items()}
    return {
        "query": result.query.text,
        "searched": result.searched,
        "total": result.total,
        "notes": result.notes,
        "also_searched": result.also_searched,
        "dropped": result.dropped,
        "partial": result.partial,
        "hits": hits,
        "facets": facets,
    }


def _filter_option(facet: Facet) -> Any:
    option = typer.Option(f"--{facet.param}", help=f"{facet.help} (repeatable: any of them)")
    return Annotated[list[int] | None, option] if facet.numeric else Annotated[list[str] | None, option]


@with_facet_parameters(_filter_option, default=None)
def search_command(
    text: Annotated[str, typer.Argument(help='Words (all must occur), "phrases", prefix*, -exclusions.')] = "",
    since: Annotated[str | None, typer.Option("--since", help="On or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="On or before this day (YYYY-MM-DD).")] = None,
    sort: Annotated[SortOrder, typer.Option("--sort", help="relevance or date.")] = SortOrder.RELEVANCE,
    limit: Annotated[int, typer.Option("--limit", help="Hits to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits and facet counts as JSON.")] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Exactly the words typed: no question words left out, no synonyms or abbreviations, "
            "no closest articles when none has every word.",
        ),
    ] = False,
    **filters: list[str] | list[int] | None,
) -> None:
    """Search the stored articles (exact for Chinese words; traditional characters work too).

    Every facet is an option of its own (--column, --region, --issue …; see search.facets.FACETS).
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
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise fail(f"bad search: {problems}", "dates are YYYY-MM-DD; --limit is 0 to 1000") from None
    store = open_store(state.get_settings().database_url)
    sync = attach_search_index(store, state.get_settings())
    if sync.folder is not None and not (sync.folder / "tantivy").is_dir():
        err_console.print(f"[dim]building the search index at {sync.folder} …[/]")
    if sync.pending():
        sync(frozenset())
    result = sync.index.search(query)
    if as_json:
        console.print_json(data=_result_json(result))
        return
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    console.print(f"{result.total} article(s)  [dim]({result.took_ms:.1f} ms)[/]")
    for n, hit in enumerate(result.hits, start=1 + query.offset):
        meta = " · ".join(x for x in (hit.date.isoformat() if hit.date else "", hit.column or "", f"#{hit.id}") if x)
        console.print(f"[bold]{n}. {_terminal_markup(hit.title_html)}[/]  [dim]{escape(meta)}[/]")
        console.print(f"   {_terminal_markup(hit.snippet)}")
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(f"{escape(c.value)} {c.count}" for c in counts[:8])
            console.print(f"[dim]{name}:[/] {shown}")


def reindex_command() -> None:
    """Rebuild the search index from the store (the old one keeps serving until the new one is ready)."""
    settings = state.get_settings()
    store = open_cli_store()
    folder = index_folder(settings)
    with progress_bars() as progress:
        task = progress.add_task("indexing", total=None)
        index = rebuild_index(
            store,
            folder,
            on_total=lambda n: progress.update(task, total=n),
            on_article=lambda: progress.advance(task),
            semantic=settings.search_semantic,
        )
    if folder is not None:
        (folder / "pending.json").unlink(missing_ok=True)
    console.print(f"indexed {index.count()} article(s) into {folder if folder is not None else 'memory'}")
