"""The ``policydigest`` command line (typer + rich)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from policydigest.errors import PolicydigestError
from policydigest.settings import Settings, load_settings

app = typer.Typer(
    help="policydigest: import, enrich, search and publish a bulletin on China's digital economy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


class State:
    """Options given before the command, turned into settings on first use."""

    db: str | None = None
    settings: Settings | None = None

    def get_settings(self) -> Settings:
        if self.settings is None:
            self.settings = load_settings(database_url=self.db)
            logging.basicConfig(level=self.settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        return self.settings


state = State()


def fail(message: str, hint: str | None = None, code: int = 1) -> typer.Exit:
    """Print a one-line error (and what to do next) and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    if hint:
        err_console.print(f"[dim]hint:[/] {hint}")
    return typer.Exit(code)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Store to use: a SQLite file path or a database URL (overrides POLICYDIGEST_DATABASE_URL)."
        ),
    ] = None,
) -> None:
    """Global options."""
    if db is not None and "://" not in db:
        db = f"sqlite:///{db}"
    state.db = db
    state.settings = None


@app.command("config")
def show_config() -> None:
    """Show every setting, its value and what it does."""
    settings = state.get_settings()
    table = Table("setting", "value", "help")
    for name, field in Settings.model_fields.items():
        table.add_row(name, repr(getattr(settings, name)), field.description or "")
    console.print(table)


def run() -> None:
    """Entry point that turns expected errors into one line instead of a traceback."""
    try:
        app()
    except PolicydigestError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise SystemExit(1) from None
