"""The whole path against a real SMTP server on loopback: subscribe, confirm, publish, receive,
one-click unsubscribe, and nothing more."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from policydigest.delivery.publishing import send_issue
from policydigest.delivery.subscribers import get_subscriber
from policydigest.web import create_app
from tests.delivery_support import PUBLIC_URL, delivery_settings, links, local_path, store_with_issue
from tests.smtp_support import html_part, smtp_server


def _one_click(client: TestClient, list_unsubscribe: str) -> int:
    https = re.search(r"<(https://[^>]+)>", list_unsubscribe)
    assert https is not None and "mailto:" in list_unsubscribe
    response = client.post(local_path(https.group(1)), content=b"List-Unsubscribe=One-Click",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    return response.status_code


def test_a_reader_subscribes_confirms_receives_the_issue_and_one_click_unsubscribes(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        client = TestClient(create_app(settings, store=store))

        form = client.get("/subscribe").text
        assert re.search(r'<label for="email">邮箱</label>\s*<input id="email" name="email"', form)
        assert '<button type="submit">订阅</button>' in form

        answer = client.post("/subscribe", data={"email": "reader@example.org"})
        assert answer.status_code == 200
        [confirmation] = sink.to("reader@example.org")
        assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        confirm_links = [u for u in links(html_part(confirmation)) if "/subscribe/confirm" in u]
        assert len(confirm_links) == 1 and confirm_links[0].startswith(PUBLIC_URL + "/subscribe/confirm?token=")
        assert get_subscriber(store, "reader@example.org").status == "pending"

        # Asking again answers the same, whatever the address's state.
        assert client.post("/subscribe", data={"email": "reader@example.org"}).text == answer.text
        assert client.get(local_path(confirm_links[0])).status_code == 200
        assert get_subscriber(store, "reader@example.org").status == "active"
        assert client.post("/subscribe", data={"email": "reader@example.org"}).text == answer.text

        report = send_issue(store, settings, issue.total_number)
        assert report.sent == 1
        [received] = [m for m in sink.to("reader@example.org") if "总第" in m["Subject"]]
        assert str(issue.total_number) in received["Subject"]
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        body = html_part(received)
        assert issue.articles[0].title.split("——")[0][:8] in body

        assert _one_click(client, received["List-Unsubscribe"]) == 200
        assert get_subscriber(store, "reader@example.org").status == "unsubscribed"

        before = len(sink.messages)
        _, second = store_with_issue(settings, total_number=issue.total_number + 1)
        assert send_issue(store, settings, second.total_number).sent == 0
        assert len(sink.messages) == before


def test_the_one_click_link_of_the_confirmation_mail_works_too(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        client = TestClient(create_app(settings, store=store))
        client.post("/subscribe", data={"email": "curious@example.org"})
        [confirmation] = sink.to("curious@example.org")
        assert _one_click(client, confirmation["List-Unsubscribe"]) == 200
        assert get_subscriber(store, "curious@example.org").status == "unsubscribed"
        send_issue(store, settings, issue.total_number)
        assert len(sink.to("curious@example.org")) == 1


def test_a_bad_address_gets_a_clear_message_and_nothing_is_sent(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, _ = store_with_issue(settings)
        client = TestClient(create_app(settings, store=store))
        response = client.post("/subscribe", data={"email": "not-an-address"})
        assert response.status_code == 422 and "邮箱地址无效" in response.text
        assert sink.messages == []


def test_the_form_is_rate_limited_per_address(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port, subscribe_limit_per_address=2)
        store, _ = store_with_issue(settings)
        client = TestClient(create_app(settings, store=store))
        codes = [client.post("/subscribe", data={"email": "many@example.org"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert len(sink.to("many@example.org")) <= 2
