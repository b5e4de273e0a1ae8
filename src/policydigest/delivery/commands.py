"""Command line of delivery: ``send``, ``subscribers …`` and ``alerts run`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from policydigest.console import console, err_console, fail, open_cli_store, state
from policydigest.delivery import subscribers as subs
from policydigest.delivery.alerts import run_alerts
from policydigest.delivery.bounces import process_mailbox
from policydigest.delivery.publishing import send_issue
from policydigest.delivery.sending import SendReport
from policydigest.errors import PolicydigestError
from policydigest.search import attach_search_index
from policydigest.store import open_store

subscribers_app = typer.Typer(help="Subscribers: list, add, import, export, delete.", no_args_is_help=True)


def _report(report: SendReport) -> None:
    console.print(
        f"sent {report.sent}, failed (5xx, address marked bounced) {report.failed}, "
        f"retried {report.retried}, still queued {report.deferred}"
        + (f", taken back from a stopped sender {report.released}" if report.released else "")
    )


def send_command(
    total_number: Annotated[int, typer.Argument(help="The stored issue's 总期 number.")],
) -> None:
    """Send an issue to every subscriber by e-mail, or resume a send that stopped; each gets it once."""
    settings = state.get_settings()
    try:
        report = send_issue(open_cli_store(), settings, total_number)
    except PolicydigestError as exc:
        hint = "set smtp_host, mail_from, public_url and delivery_secret (see `policydigest config`)"
        raise fail(str(exc), hint) from None
    _report(report)
    if report.deferred:
        err_console.print(f"[yellow]{report.deferred} message(s) wait for a retry: run the same command again[/]")
        raise typer.Exit(1)


@subscribers_app.command("list")
def list_command(
    search: Annotated[str, typer.Option("--search", help="Only addresses containing this text.")] = "",
    status: Annotated[str | None, typer.Option("--status", help="pending, active, unsubscribed, suppressed "
                                                                 "or bounced.")] = None,
) -> None:
    """List subscribers with their status and preferences."""
    table = Table("email", "status", "issue", "columns", "searches", "consent")
    for s in subs.list_subscribers(open_cli_store(), search=search, status=status):
        p = s.preferences
        table.add_row(
            escape(s.email), s.status, "yes" if p.whole_issue else "no", escape("、".join(p.followed_values)),
            escape("、".join(x.name for x in p.searches)), escape(s.consent_source),
        )
    console.print(table)


@subscribers_app.command("add")
def add_command(
    emails: Annotated[list[str], typer.Argument(help="Addresses to add as active (you vouch for their consent).")],
    source: Annotated[str, typer.Option("--source", help="Where the consent was given.")] = "admin (CLI)",
) -> None:
    """Add subscribers directly, without a confirmation mail."""
    store, bad = open_cli_store(), 0
    for email in emails:
        try:
            console.print(f"added {escape(subs.add_subscriber(store, email, source=source).email)}")
        except PolicydigestError as exc:
            err_console.print(f"[red]skipped[/] {escape(email)}: {escape(str(exc))}")
            bad += 1
    if bad:
        raise typer.Exit(1)


@subscribers_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="CSV with an 'email' column (others as `export` writes them).")],
    source: Annotated[str, typer.Option("--source", help="Where the consent was given.")] = "admin (CSV import)",
) -> None:
    """Import subscribers from CSV; a bad row is reported and skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}") from None
    try:
        report = subs.import_csv(open_cli_store(), text, source=source)
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    console.print(f"imported {report.added} subscriber(s)")
    for line, reason in report.failed:
        err_console.print(f"[red]line {line}:[/] {escape(reason)}")
    if report.failed:
        raise typer.Exit(1)


@subscribers_app.command("export")
def export_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Export every subscriber as CSV."""
    text = subs.export_csv(subs.list_subscribers(open_cli_store()))
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@subscribers_app.command("delete")
def delete_command(
    emails: Annotated[list[str], typer.Argument(help="Addresses to delete with everything kept about them.")],
) -> None:
    """Delete subscribers and all their data."""
    store, missing = open_cli_store(), 0
    for email in emails:
        if subs.delete_subscriber(store, email.strip()):
            console.print(f"deleted {escape(email)}")
        else:
            err_console.print(f"[yellow]no such subscriber:[/] {escape(email)}")
            missing += 1
    if missing:
        raise typer.Exit(1)


alerts_app = typer.Typer(help="Alerts on saved searches and preferences.", no_args_is_help=True)


@alerts_app.command("run")
def alerts_run_command() -> None:
    """Send the due digests: for each saved search or preference, only articles the reader was not sent yet."""
    settings = state.get_settings()
    store = open_store(settings.database_url)
    sync = attach_search_index(store, settings)
    sync.follow()
    try:
        report = run_alerts(store, settings, sync.index)
    except PolicydigestError as exc:
        raise fail(str(exc)) from None
    console.print(f"queued {report.digests} digest(s) with {report.articles} new article(s)")
    if report.sent is not None:
        _report(report.sent)


def bounces_command(
    path: Annotated[Path, typer.Argument(help="A Maildir folder or an mbox file of bounce reports (DSNs).")],
) -> None:
    """Read bounce reports: hard bounces suppress the address, soft ones add up (and decay)."""
    if not path.exists():
        raise fail(f"no such mailbox: {path}")
    result = process_mailbox(open_cli_store(), state.get_settings(), path)
    console.print(
        f"hard bounces {len(result.hard)}, soft bounces {len(result.soft)}, "
        f"addresses suppressed {len(result.suppressed)}"
    )
