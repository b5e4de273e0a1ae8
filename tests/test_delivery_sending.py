"""Sending over SMTP against a real server on loopback: retries on 4xx, bounces on 5xx, safe headers,
a killed sender that resumes, and a server that is down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from policydigest.delivery.mail import MailTemplate
from policydigest.delivery.publishing import hand_off, send_issue
from policydigest.delivery.sending import SendReport, deliver
from policydigest.delivery.subscribers import add_subscriber, get_subscriber, import_csv
from policydigest.errors import DeliveryError
from policydigest.store import open_store
from tests.conftest import PostgresServer
from tests.delivery_support import delivery_settings, store_with_issue
from tests.smtp_support import SmtpSink, free_port, smtp_server

ROOT = Path(__file__).resolve().parents[1]


def test_a_temporary_refusal_is_retried_and_the_message_arrives_once(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        add_subscriber(store, "busy@example.org")
        sink.replies["busy@example.org"] = ["451 4.3.0 try again later", 2]
        report = send_issue(store, settings, issue.total_number)
        assert (report.sent, report.retried, report.failed) == (1, 2, 0)
        assert len(sink.to("busy@example.org")) == 1


def test_a_permanent_refusal_marks_the_address_bounced_and_is_not_retried(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        add_subscriber(store, "gone@example.org")
        add_subscriber(store, "here@example.org")
        sink.replies["gone@example.org"] = ["550 5.1.1 no such user", 99]
        report = send_issue(store, settings, issue.total_number)
        assert (report.sent, report.failed, report.retried) == (1, 1, 0)
        assert get_subscriber(store, "gone@example.org").status == "bounced"
        assert sink.replies["gone@example.org"][1] == 98  # asked once
        assert len(sink.to("here@example.org")) == 1


def test_a_server_that_is_down_loses_nothing_and_a_later_send_delivers(tmp_path: Path) -> None:
    port = free_port()
    settings = delivery_settings(tmp_path, port, smtp_retries=1, smtp_timeout=1.0)
    store, issue = store_with_issue(settings)
    add_subscriber(store, "patient@example.org")
    report = send_issue(store, settings, issue.total_number)
    assert report.sent == 0 and report.deferred == 1
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # The retry wait has passed by now; the message is still queued.
        time.sleep(0.05)
        assert send_issue(store, settings, issue.total_number).sent == 1
        assert len(sink.to("patient@example.org")) == 1
    finally:
        controller.stop()


@pytest.mark.parametrize(
    "field", ["subject", "to", "key", "from"], ids=["subject", "recipient", "message-id", "sender"]
)
def test_no_field_can_inject_a_header(tmp_path: Path, field: str) -> None:
    evil = "x\r\nBcc: victim@example.org"
    values = {"to": "a@example.org", "subject": "第1期", "key": "1.1", "from": "刊 <digest@example.org>"}
    values[field] = (evil + values[field]) if field == "from" else values[field] + evil
    settings = delivery_settings(tmp_path, 25, mail_from=values["from"])
    try:
        raw = MailTemplate(settings, subject=values["subject"], body="<p>x</p>").render(values["to"], values["key"])
    except (ValueError, DeliveryError):
        return  # refused outright
    assert b"\nBcc:" not in raw and b"\rBcc:" not in raw


def _sender(settings_env: dict[str, str], db: Path, total: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "policydigest", "--db", str(db), "send", str(total)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_a_sender_killed_mid_send_and_restarted_delivers_every_message_and_repeats_at_most_the_one_in_flight(
    tmp_path: Path,
) -> None:
    count = 2000
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        rows = "\n".join(f"r{i:04d}@example.org" for i in range(count))
        assert import_csv(store, "email\n" + rows + "\n", source="test").added == count
        env = {
            "POLICYDIGEST_SMTP_HOST": "127.0.0.1",
            "POLICYDIGEST_SMTP_PORT": str(port),
            "POLICYDIGEST_PUBLIC_URL": settings.public_url,
            "POLICYDIGEST_MAIL_FROM": settings.mail_from,
            "POLICYDIGEST_DELIVERY_SECRET": "test-secret-not-for-production",
            "POLICYDIGEST_INDEX_PATH": str(tmp_path / "index"),
        }
        db = tmp_path / "store.db"
        first = _sender(env, db, issue.total_number)
        deadline = time.monotonic() + 120
        while len(sink.messages) < count // 3 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.01)
        assert first.poll() is None, "the sender finished before it could be killed"
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = len(sink.messages)
        assert 0 < at_kill < count

        second = _sender(env, db, issue.total_number)
        _, err = second.communicate(timeout=300)
        assert second.returncode == 0, err.decode()

        received = Counter(m["To"] for m in sink.messages)
        ids = Counter(m["Message-ID"] for m in sink.messages)
        assert set(received) == {f"r{i:04d}@example.org" for i in range(count)}
        assert len(ids) == count  # one Message-ID per (issue, subscriber)
        # At-least-once by design (sending.py): only the one message whose final dot was written but
        # whose commit was cut by the kill may arrive twice, and then with the same Message-ID.
        copies = sum(received.values()) - count
        assert copies <= 1, f"killed after {at_kill}: {copies} copies"


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database on the throwaway PostgreSQL server."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.mark.postgres
def test_an_issue_sent_from_a_postgresql_store_arrives_once_per_reader(tmp_path: Path, postgres_url: str) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port, database_url=postgres_url)
        store, issue = store_with_issue(settings)
        readers = [f"pg{i:02d}@example.org" for i in range(20)]
        assert import_csv(store, "email\n" + "\n".join(readers) + "\n", source="test").added == len(readers)
        report = send_issue(store, settings, issue.total_number)
        assert (report.sent, report.failed, report.deferred) == (len(readers), 0, 0)
        assert Counter(m["To"] for m in sink.messages) == Counter(readers)
        # Sending again finds everything sent: nobody gets a second copy.
        assert send_issue(store, settings, issue.total_number).sent == 0
        assert len(sink.messages) == len(readers)


@pytest.mark.postgres
@pytest.mark.slow
def test_two_senders_at_once_on_postgresql_deliver_each_message_once(tmp_path: Path, postgres_url: str) -> None:
    count = 1000
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port, database_url=postgres_url)
        store, issue = store_with_issue(settings)
        readers = [f"r{i:04d}@example.org" for i in range(count)]
        assert import_csv(store, "email\n" + "\n".join(readers) + "\n", source="test").added == count
        handoff = hand_off(store, settings, issue.total_number)
        assert handoff.queued == count and handoff.mailing_id is not None
        mailing_id = handoff.mailing_id
        start = threading.Barrier(2)

        def sender() -> SendReport:
            own = open_store(postgres_url)  # a sender of its own: its engine, its connections
            start.wait()
            return deliver(own, settings, mailing_id=mailing_id)

        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda _: sender(), range(2)))
        assert [r.sent > 0 for r in reports] == [True, True], "both senders took a share"
        assert sum(r.sent for r in reports) == count
        assert Counter(m["To"] for m in sink.messages) == Counter(readers)
