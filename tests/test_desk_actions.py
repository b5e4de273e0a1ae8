"""Publishing from the desk hands the issue to delivery: its mailing is queued for every subscriber who wants
the whole issue when e-mail is configured (``smtp_host``), and nothing is queued, with the reason logged,
when it is not."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from policydigest.compose.demo import load_articles, store_articles
from policydigest.delivery import subscribers as subs
from policydigest.delivery.publishing import issue_key
from policydigest.desk.accounts import Accounts
from policydigest.desk.actions import DeskActions
from policydigest.desk.inbox import InboxFilters
from policydigest.profile import load_profile
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.store.delivery_schema import DeliveryRow, MailingRow, SubscriberRow
from tests.conftest import SAMPLE_DIR
from tests.delivery_support import delivery_settings
from tests.desk_support import make_users


def approved_desk(settings: Settings) -> tuple[DeskActions, int]:
    """A desk over a store of the sample articles whose draft of six is approved; the draft's version."""
    store = open_store(settings.database_url)
    store_articles(store, load_articles(SAMPLE_DIR / "articles.json"))
    make_users(store)
    desk = DeskActions.build(store, settings, load_profile())
    accounts = Accounts(store)
    editor, chief = accounts.get("editor"), accounts.get("chief")
    for row in desk.inbox.page(InboxFilters(), offset=0, limit=6).items:
        desk.add_to_issue(editor, row.article_id, desk.desk.glance()[0])
    version = desk.desk.transition("submit", desk.desk.current().version, editor.name, editor.role).version
    return desk, desk.desk.transition("approve", version, chief.name, chief.role).version


def subscribe(desk: DeskActions) -> None:
    """Two readers of the whole issue, one of one column only, and one who has not confirmed."""
    subs.add_subscriber(desk.store, "whole1@example.org")
    subs.add_subscriber(desk.store, "whole2@example.org")
    one_column = subs.Preferences(whole_issue=False, follows={"column": ["地方新政"]})
    subs.add_subscriber(desk.store, "column@example.org", prefs=one_column)
    subs.request_subscription(desk.store, "pending@example.org", source="web")


def test_publishing_queues_the_issue_for_its_readers_when_mail_is_configured(tmp_path: Path) -> None:
    desk, version = approved_desk(delivery_settings(tmp_path, 2525))
    subscribe(desk)
    issue, queued = desk.publish(Accounts(desk.store).get("chief"), version)
    assert queued == 2
    with desk.store.session() as session:
        mailing = session.scalar(select(MailingRow).where(MailingRow.key == issue_key(issue)))
        assert mailing is not None and mailing.kind == "issue"
        assert set(mailing.article_ids) == {a.id for a in desk.store.get_issue(issue.total_number).articles}
        emails = set(session.scalars(
            select(SubscriberRow.email).join(DeliveryRow).where(DeliveryRow.mailing_id == mailing.id)
        ))
    assert emails == {"whole1@example.org", "whole2@example.org"}
    # Handing off again (the CLI's `send` does) queues nobody twice.
    assert desk.hand_off(issue) == 0


def test_publishing_queues_nothing_and_says_why_when_mail_is_not_configured(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    desk, version = approved_desk(delivery_settings(tmp_path, 2525, smtp_host=None))
    subscribe(desk)
    with caplog.at_level(logging.INFO, logger="policydigest.desk.actions"):
        issue, queued = desk.publish(Accounts(desk.store).get("chief"), version)
    assert queued is None and desk.store.get_issue(issue.total_number).articles
    assert "smtp_host is not set" in caplog.text
    with desk.store.session() as session:
        assert session.scalar(select(func.count()).select_from(MailingRow)) == 0
