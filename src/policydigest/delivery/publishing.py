"""The issue by e-mail: one message per subscriber from the e-mail rendering, queued then sent.

Publishing (``policydigest publish`` and 发布 on the desk) hands the issue over with :func:`hand_off`,
which alone decides whether it is queued and with which charts; ``policydigest send TOTAL_NUMBER``
hands it over again (a no-op for who has it already) and sends what is left, so it also resumes a
stopped send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from policydigest.delivery.sending import SendReport, deliver, queue_mailing
from policydigest.delivery.subscribers import active_ids
from policydigest.model import Issue
from policydigest.render.email import render_email
from policydigest.settings import Settings
from policydigest.store import Store

log = logging.getLogger(__name__)


def issue_subject(issue: Issue) -> str:
    """The subject of an issue's message.

    >>> import datetime as dt
    >>> issue_subject(Issue(series="大数据发展动态", number=3, total_number=176, date=dt.date(2025, 1, 3),
    ...                     cover_headline="算力"))
    '大数据发展动态 第3期（总第176期）：算力'
    """
    headline = f"：{issue.cover_headline}" if issue.cover_headline else ""
    return f"{issue.series} 第{issue.number}期（总第{issue.total_number}期）{headline}"


def issue_key(issue: Issue) -> str:
    """The mailing key of an issue: one mailing per (series, 总期)."""
    return f"issue:{issue.series}:{issue.total_number}"


@dataclass(frozen=True)
class Handoff:
    """What publishing handed to delivery: the mailing (None: nothing queued), the messages newly queued,
    the titles of the charts the mail carries, and a note for the person publishing (Chinese; empty when
    the queued mail can be sent)."""

    mailing_id: int | None
    queued: int
    charts: tuple[str, ...] = ()
    note: str = ""


def hand_off(store: Store, settings: Settings, total_number: int) -> Handoff:
    """Queue the stored issue 总第``total_number``期 for every active subscriber who wants the whole issue.

    The one rule for the CLI, the desk and ``send``: queue whenever there are such readers (sending is
    a separate step, which needs ``smtp_host``: when it is not set the mail waits, and the note says
    so), with the charts the settings ask for (the ones the PDF carries).

    >>> import datetime as dt
    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> _ = store.save_issue(Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3)))
    >>> hand_off(store, Settings(), 1)
    Handoff(mailing_id=None, queued=0, charts=(), note='没有订阅整期的有效订阅者，未排队邮件')
    """
    issue = store.get_issue(total_number)  # stored: its articles carry the ids the alerts leave out afterwards
    with store.session() as session:
        readers = active_ids(session, whole_issue=True)
    if not readers:
        log.info("issue 总第%d期 is not queued for e-mail: no active subscriber wants the whole issue", total_number)
        return Handoff(None, 0, note="没有订阅整期的有效订阅者，未排队邮件")
    from policydigest.intel.issue_charts import issue_charts  # altair and vl-convert, only when mail is queued

    charts = issue_charts(store, settings, issue)
    mailing_id, queued = queue_mailing(
        store,
        key=issue_key(issue),
        kind="issue",
        subject=issue_subject(issue),
        html=render_email(issue, columns=settings.columns, charts=charts),
        subscriber_ids=readers,
        article_ids=[a.id for a in issue.articles if a.id is not None],
    )
    note = ""
    if not settings.smtp_host:
        log.info("issue 总第%d期 is queued but cannot be sent: smtp_host is not set", total_number)
        note = f"未设置 smtp_host：邮件已排队，设置后用 `policydigest send {total_number}` 发送"
    return Handoff(mailing_id, queued, tuple(c.title for c in charts), note)


def send_issue(store: Store, settings: Settings, total_number: int) -> SendReport:
    """Hand the stored issue 总第``total_number``期 over again (:func:`hand_off`) and send every message not sent
    yet; nothing to send when no subscriber wants it."""
    handoff = hand_off(store, settings, total_number)
    if handoff.mailing_id is None:
        return SendReport()
    return deliver(store, settings, mailing_id=handoff.mailing_id)
