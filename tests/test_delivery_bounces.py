"""Bounce reports (DSNs): a hard bounce suppresses the address, soft ones add up and decay."""

from __future__ import annotations

import mailbox
from pathlib import Path

from fastapi.testclient import TestClient

from policydigest.delivery.bounces import process_bounce, process_mailbox
from policydigest.delivery.publishing import send_issue
from policydigest.delivery.subscribers import add_subscriber, get_subscriber
from policydigest.web import create_app
from tests.delivery_support import delivery_settings, store_with_issue
from tests.smtp_support import smtp_server


def dsn(recipient: str, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification (RFC 3464) for ``recipient``."""
    return (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: digest@example.org\r\nSubject: Undelivered Mail\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} no such user\r\n"
        "--B--\r\n"
    ).encode()


def test_a_hard_bounce_suppresses_the_address_and_it_gets_nothing_more(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        add_subscriber(store, "gone@example.org")
        add_subscriber(store, "stays@example.org")
        result = process_bounce(store, settings, dsn("gone@example.org"))
        assert result.suppressed == {"gone@example.org"}
        assert get_subscriber(store, "gone@example.org").status == "bounced"
        send_issue(store, settings, issue.total_number)
        assert sink.to("gone@example.org") == [] and len(sink.to("stays@example.org")) == 1


def test_soft_bounces_suppress_only_once_they_add_up(tmp_path: Path) -> None:
    settings = delivery_settings(tmp_path, 25, bounce_soft_limit=3)
    store, _ = store_with_issue(settings)
    add_subscriber(store, "full@example.org")
    for expected in ("active", "active", "bounced"):
        process_bounce(store, settings, dsn("full@example.org", action="delayed", status="4.2.2"))
        assert get_subscriber(store, "full@example.org").status == expected


def test_reports_are_read_from_a_maildir_folder(tmp_path: Path) -> None:
    settings = delivery_settings(tmp_path, 25)
    store, _ = store_with_issue(settings)
    add_subscriber(store, "a@example.org")
    box = mailbox.Maildir(tmp_path / "bounces")
    box.add(dsn("a@example.org"))
    box.add(b"Subject: not a bounce\r\n\r\nhello\r\n")
    assert process_mailbox(store, settings, tmp_path / "bounces").suppressed == {"a@example.org"}


def test_reports_posted_to_the_endpoint_need_the_bounce_token(tmp_path: Path) -> None:
    settings = delivery_settings(tmp_path, 25)
    store, _ = store_with_issue(settings)
    add_subscriber(store, "b@example.org")
    client = TestClient(create_app(settings, store=store))
    assert client.post("/bounces", content=dsn("b@example.org")).status_code == 403
    response = client.post("/bounces", content=dsn("b@example.org"), headers={"x-bounce-token": "bounce-test-token"})
    assert response.status_code == 200 and response.json()["hard"] == ["b@example.org"]
    assert get_subscriber(store, "b@example.org").status == "bounced"
