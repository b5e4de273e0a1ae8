"""Handing a published issue to delivery: one rule for every caller. Active readers of the whole issue get it
queued, with the charts the settings ask for; nobody to queue for is an expected miss (nothing made, the reason
returned and logged); a missing ``smtp_host`` queues all the same and says that sending waits for it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from policydigest.delivery import subscribers as subs
from policydigest.delivery.publishing import hand_off, send_issue
from policydigest.errors import DeliveryError
from policydigest.store.delivery_schema import DeliveryRow, MailingRow
from tests.delivery_support import delivery_settings, store_with_issue


def test_an_issue_no_active_reader_wants_whole_is_not_queued_and_the_log_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = delivery_settings(tmp_path, 2525, smtp_host=None)
    store, issue = store_with_issue(settings)
    subs.add_subscriber(store, "column@example.org", prefs=subs.Preferences(whole_issue=False,
                                                                            follows={"column": ["地方新政"]}))
    subs.request_subscription(store, "pending@example.org", source="web")
    subs.add_subscriber(store, "gone@example.org")
    subs.set_status(store, "gone@example.org", "suppressed")
    with caplog.at_level(logging.INFO, logger="policydigest.delivery.publishing"):
        handoff = hand_off(store, settings, issue.total_number)
    assert (handoff.mailing_id, handoff.queued, handoff.charts) == (None, 0, ())
    assert "订阅整期的有效订阅者" in handoff.note and "no active subscriber" in caplog.text
    assert send_issue(store, settings, issue.total_number).sent == 0  # nothing to send, not an error
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(MailingRow)) == 0


def test_without_smtp_host_the_issue_is_queued_and_sending_it_refuses_with_the_setting_to_set(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = delivery_settings(tmp_path, 2525, smtp_host=None)
    store, issue = store_with_issue(settings)
    subs.add_subscriber(store, "whole@example.org")
    with caplog.at_level(logging.INFO, logger="policydigest.delivery.publishing"):
        handoff = hand_off(store, settings, issue.total_number)
    assert handoff.queued == 1 and handoff.mailing_id is not None and handoff.charts == ()
    assert handoff.note.startswith("未设置 smtp_host") and f"policydigest send {issue.total_number}" in handoff.note
    assert "smtp_host is not set" in caplog.text
    with pytest.raises(DeliveryError, match="smtp_host"):
        send_issue(store, settings, issue.total_number)
    with store.session() as session:  # the message still waits for a configured sender
        assert session.scalars(select(DeliveryRow.state)).all() == ["queued"]
