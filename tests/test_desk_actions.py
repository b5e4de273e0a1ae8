"""Publishing from the desk hands the issue to delivery as ``policydigest publish`` does: its mailing is queued
for every active subscriber who wants the whole issue, with the same charts, and without ``smtp_host`` it is
queued all the same, the answer and the log saying that sending waits for it. A page the desk adds by URL is
enriched as an import would be."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from intel_samples import policy_issue
from policydigest.cli import app
from policydigest.compose.demo import load_articles, store_articles
from policydigest.delivery import subscribers as subs
from policydigest.delivery.publishing import hand_off, issue_key
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


def approved_desk(settings: Settings, *, after_policy_issue: bool = False) -> tuple[DeskActions, int]:
    """A desk over a store of the sample articles whose draft of six is approved; the draft's version.

    With ``after_policy_issue``, the store first holds the published policy issue (总第1期, March 2025) and the
    draft is dated 2025-04-01: the year up to it has documents to chart."""
    store = open_store(settings.database_url)
    if after_policy_issue:
        store.save_issue(policy_issue())
    store_articles(store, load_articles(SAMPLE_DIR / "articles.json"))
    make_users(store)
    desk = DeskActions.build(store, settings, load_profile())
    accounts = Accounts(store)
    editor, chief = accounts.get("editor"), accounts.get("chief")
    for row in desk.inbox.page(InboxFilters(), offset=0, limit=6).items:
        desk.add_to_issue(editor, row.article_id, desk.desk.glance()[0])
    if after_policy_issue:
        desk.set_issue(editor, desk.desk.glance()[0], date=dt.date(2025, 4, 1))
    version = desk.desk.transition("submit", desk.desk.current().version, editor.name, editor.role).version
    return desk, desk.desk.transition("approve", version, chief.name, chief.role).version


def subscribe(desk: DeskActions) -> None:
    """Two readers of the whole issue, one of one column only, and one who has not confirmed."""
    subs.add_subscriber(desk.store, "whole1@example.org")
    subs.add_subscriber(desk.store, "whole2@example.org")
    one_column = subs.Preferences(whole_issue=False, follows={"column": ["地方新政"]})
    subs.add_subscriber(desk.store, "column@example.org", prefs=one_column)
    subs.request_subscription(desk.store, "pending@example.org", source="web")


def queued_mail(desk: DeskActions, total_number: int) -> tuple[str, str, list[int], set[str]]:
    """The issue's mailing as queued: its subject, HTML, articles and the addresses it is queued for."""
    issue = desk.store.get_issue(total_number)
    with desk.store.session() as session:
        mailing = session.scalar(select(MailingRow).where(MailingRow.key == issue_key(issue)))
        assert mailing is not None and mailing.kind == "issue"
        emails = set(session.scalars(
            select(SubscriberRow.email).join(DeliveryRow).where(DeliveryRow.mailing_id == mailing.id)
        ))
        return mailing.subject, mailing.html, list(mailing.article_ids), emails


def test_publishing_queues_the_issue_for_its_readers_when_mail_is_configured(tmp_path: Path) -> None:
    desk, version = approved_desk(delivery_settings(tmp_path, 2525))
    subscribe(desk)
    issue, handoff = desk.publish(Accounts(desk.store).get("chief"), version)
    assert (handoff.queued, handoff.note) == (2, "")
    _, _, article_ids, emails = queued_mail(desk, issue.total_number)
    assert set(article_ids) == {a.id for a in desk.store.get_issue(issue.total_number).articles}
    assert emails == {"whole1@example.org", "whole2@example.org"}
    # Handing off again (the CLI's `send` does) queues nobody twice.
    assert hand_off(desk.store, desk.settings, issue.total_number).queued == 0


def test_the_cli_and_the_desk_queue_the_same_messages_with_the_same_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_desk, version = approved_desk(
        delivery_settings(tmp_path / "desk", 2525, bulletin_trend_chart=True), after_policy_issue=True
    )
    by_cli, _ = approved_desk(delivery_settings(tmp_path / "cli", 2525), after_policy_issue=True)
    for desk in (on_desk, by_cli):
        subscribe(desk)
    issue, handoff = on_desk.publish(Accounts(on_desk.store).get("chief"), version)
    assert handoff.queued == 2 and handoff.charts == ("近一年各月发布的政策文件（按文件类型）",)
    for name, value in {"BULLETIN_TREND_CHART": "true", "SMTP_HOST": "127.0.0.1"}.items():
        monkeypatch.setenv(f"POLICYDIGEST_{name}", value)
    result = CliRunner().invoke(app, ["--db", by_cli.settings.database_url, "publish", str(issue.total_number)])
    assert result.exit_code == 0, result.output
    assert "已为 2 位订阅者排队邮件（含 1 张趋势图）" in result.output
    desk_mail, cli_mail = queued_mail(on_desk, issue.total_number), queued_mail(by_cli, issue.total_number)
    assert cli_mail == desk_mail
    assert desk_mail[1].count('src="data:image/png;base64,') == 1  # the chart, inside the HTML
    assert desk_mail[3] == {"whole1@example.org", "whole2@example.org"}


def test_publishing_without_smtp_host_queues_the_issue_and_says_sending_waits_for_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    desk, version = approved_desk(delivery_settings(tmp_path, 2525, smtp_host=None))
    subscribe(desk)
    with caplog.at_level(logging.INFO, logger="policydigest.delivery.publishing"):
        issue, handoff = desk.publish(Accounts(desk.store).get("chief"), version)
    assert handoff.queued == 2 and "smtp_host" in handoff.note and f"send {issue.total_number}" in handoff.note
    assert "smtp_host is not set" in caplog.text
    assert queued_mail(desk, issue.total_number)[3] == {"whole1@example.org", "whole2@example.org"}


def test_an_article_added_by_url_is_enriched_as_an_import_would_be(tmp_path: Path, web: Any) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'desk.db'}", fetch_allowed_networks=["127.0.0.1/32"], fetch_host_delay=0.0
    )
    store = open_store(settings.database_url)
    make_users(store)
    desk = DeskActions.build(store, settings, load_profile())

    message, article_id = desk.add_url(Accounts(store).get("editor"), web.url("/art/2024/art_101.html"))

    assert article_id is not None and f"#{article_id}" in message
    [(article, _date)] = store.articles_for_enrichment(ids=[article_id])
    assert article.enrichment.column is not None and article.enrichment.topics is not None
    assert set(article.enrichment.versions) >= {"column", "topics"}
    assert not article.enrichment.errors
    assert desk.inbox.version(article_id) == 1  # in the inbox, recorded as added by the editor
