"""The issue by e-mail: one message per subscriber from the e-mail rendering, queued then sent.

``policydigest publish`` queues the issue; ``policydigest send TOTAL_NUMBER`` queues it (again: a
no-op for who has it already) and sends what is left, so it also resumes a stopped send.
"""

from __future__ import annotations

from collections.abc import Sequence

from policydigest.delivery.sending import SendReport, deliver, queue_mailing
from policydigest.delivery.subscribers import active_ids
from policydigest.model import Issue
from policydigest.render.email import render_email
from policydigest.render.figures import IssueChart
from policydigest.settings import Settings
from policydigest.store import Store


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


def queue_issue(
    store: Store, settings: Settings, issue: Issue, charts: Sequence[IssueChart] = ()
) -> tuple[int, int]:
    """Queue ``issue`` (with ``charts``) for every active subscriber who wants the whole issue; (mailing id,
    newly queued)."""
    with store.session() as session:
        readers = active_ids(session, whole_issue=True)
    return queue_mailing(
        store,
        key=issue_key(issue),
        kind="issue",
        subject=issue_subject(issue),
        html=render_email(issue, columns=settings.columns, charts=charts),
        subscriber_ids=readers,
        article_ids=[a.id for a in issue.articles if a.id is not None],
    )


def send_issue(store: Store, settings: Settings, total_number: int) -> SendReport:
    """Queue the stored issue 总第``total_number``期 and send every message not sent yet."""
    issue = store.get_issue(total_number)
    mailing_id, _ = queue_issue(store, settings, issue)
    return deliver(store, settings, mailing_id=mailing_id)
