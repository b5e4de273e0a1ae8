"""Sending speed: messages per second from ``policydigest send`` to a loopback aiosmtpd server, for
10,000 subscribers, against a bare smtplib loop sending the same number of messages in the same run.

The server runs in its own process (it only counts what it accepts), so the sender does not share
an interpreter with it. The sender is the real path: the send log in a SQLite store (claim, mark
sent, the articles each reader was sent), a message made per reader from the issue's e-mail
rendering (only the links differ), one reused SMTP connection. The baseline sends one ready-made
message again and again over one connection, with no store at all: what SMTP alone costs.
"""

from __future__ import annotations

import multiprocessing as mp
import smtplib
import socket
import tempfile
import time
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from policydigest.delivery.mail import MailTemplate
from policydigest.delivery.publishing import send_issue
from policydigest.model import Issue
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.delivery_schema import SubscriberRow

ROOT = Path(__file__).resolve().parents[1]
ISSUE = ROOT / "tests" / "fixtures" / "fictional-issue.json"
SUBSCRIBERS = 10_000
SMOKE_SUBSCRIBERS = 200


class _Counter:
    def __init__(self, count: Synchronized[int]) -> None:
        self.count = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve(port: int, count: Synchronized[int], ready: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Counter(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _baseline(port: int, n: int, message: bytes) -> float:
    """Seconds for a bare smtplib loop to send ``message`` ``n`` times over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(n):
            smtp.sendmail("digest@example.org", [f"r{i}@example.org"], message)
    return time.perf_counter() - started


def main(smoke: bool = False) -> None:
    n = SMOKE_SUBSCRIBERS if smoke else SUBSCRIBERS
    port = _free_port()
    count: Synchronized[int] = mp.Value("i", 0)  # type: ignore[assignment]
    ready, stop = mp.Event(), mp.Event()
    server = mp.Process(target=_serve, args=(port, count, ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                index_path=Path(folder) / "index",
                smtp_host="127.0.0.1",
                smtp_port=port,
                mail_from="大数据发展动态 <digest@example.org>",
                public_url="https://digest.example.org",
                delivery_secret=SecretStr("bench-secret"),
            )
            store = open_store(settings.database_url)
            issue = Issue.model_validate_json(ISSUE.read_text(encoding="utf-8"))
            store.save_issue(issue)
            with store.engine.begin() as connection:  # set-up, not measured: 10,000 confirmed readers at once
                connection.execute(insert(SubscriberRow), [
                    {"email": f"r{i}@example.org", "status": "active", "whole_issue": True, "columns": [],
                     "regions": [], "topics": [], "frequency": "weekly", "consent_source": "bench",
                     "consent_text": "", "soft_bounces": 0.0}
                    for i in range(n)
                ])
            started = time.perf_counter()
            report = send_issue(store, settings, issue.total_number)
            ours = time.perf_counter() - started
            assert report.sent == n and count.value == n, (report, count.value)

            from policydigest.render.email import render_email

            message = MailTemplate(settings, subject="bench", body=render_email(issue, columns=settings.columns))
            raw = message.render("r0@example.org", "bench")
            bare = _baseline(port, n, raw)
            assert count.value == 2 * n
    finally:
        stop.set()
        server.join(10)
    table = Table("sender", "messages", "seconds", "messages/s")
    table.add_row("policydigest send (send log, per-reader links)", str(n), f"{ours:.1f}", f"{n / ours:.0f}")
    table.add_row("bare smtplib loop (same message, no store)", str(n), f"{bare:.1f}", f"{n / bare:.0f}")
    Console().print(table)
    print(f"message size {len(raw):,} bytes; policydigest at {bare / ours:.0%} of the bare loop's rate")


if __name__ == "__main__":
    main()
