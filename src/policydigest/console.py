"""Command-line plumbing shared by every stage's commands: the global ``--db`` state, consoles, failures."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from policydigest.logs import configure_logging
from policydigest.settings import Settings, load_settings
from policydigest.store import Store, open_store

console = Console()
err_console = Console(stderr=True)


class State:
    """Options given before the command, turned into settings on first use."""

    db: str | None = None
    settings: Settings | None = None

    def get_settings(self) -> Settings:
        if self.settings is None:
            self.settings = load_settings(database_url=self.db)
            configure_logging(self.settings.log_level, self.settings.log_format)
        return self.settings


state = State()


def fail(message: str, hint: str | None = None, code: int = 1) -> typer.Exit:
    """Print a one-line error (and what to do next) and return the exit to raise.

    >>> isinstance(fail("没有这一期"), typer.Exit)
    True
    """
    err_console.print(f"[bold red]错误：[/]{message}")
    if hint:
        err_console.print(f"[dim]提示：[/]{hint}")
    return typer.Exit(code)


def open_cli_store() -> Store:
    """The store the global options name, with the search index and the intelligence following every write."""
    from policydigest.intel import attach_intel
    from policydigest.search import attach_search_index

    settings = state.get_settings()
    store = open_store(settings.database_url)
    attach_search_index(store, settings)
    attach_intel(store)
    return store


def progress_bars(*, hidden: bool = False) -> Progress:
    """The progress bars a long command shows on stderr (``hidden``: for ``--json`` output).

    >>> progress_bars(hidden=True).disable
    True
    """
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console, disable=hidden,
        transient=True,
    )
