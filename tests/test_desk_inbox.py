"""The inbox's index follows the store: this process's writes at the next read, other processes' through the
change feed; publishing an article takes it out; a page reads its rows' desk state as they are now."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policydigest.compose.demo import store_articles
from policydigest.desk import inbox as inbox_module
from policydigest.desk.inbox import CandidateState, Inbox, InboxFilters
from policydigest.model import Article, Block, Issue
from policydigest.store import Store, open_store

EVERYTHING = InboxFilters()


def notice(n: int) -> Article:
    return Article(
        title=f"关于推进数据要素发展的第{n}号通知", source="国家数据局", url=f"https://www.example.gov.cn/{n}.html",
        published=dt.date(2025, 3, n), blocks=[Block.paragraph(f"第{n}号通知正文。")],
    )


@pytest.fixture
def two_processes(tmp_path: Path) -> tuple[Store, Store]:
    """Two stores on one database file, as the web app and a crawl in another process have."""
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    return open_store(url), open_store(url)


def titles(inbox: Inbox, filters: InboxFilters = EVERYTHING) -> list[str]:
    return [row.title for row in inbox.page(filters).items]


def test_an_article_this_process_stores_is_in_the_inbox_at_the_next_read(
    two_processes: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, _ = two_processes
    monkeypatch.setattr(inbox_module, "FOLLOW_SECONDS", 3600.0)
    inbox = Inbox(web)
    assert titles(inbox) == []
    store_articles(web, [notice(1)])
    assert titles(inbox) == [notice(1).title]


def test_what_another_process_stores_arrives_through_the_change_feed_once_the_follow_interval_passed(
    two_processes: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, crawl = two_processes
    monkeypatch.setattr(inbox_module, "FOLLOW_SECONDS", 3600.0)
    inbox = Inbox(web)
    assert titles(inbox) == []
    store_articles(crawl, [notice(1), notice(2)])
    assert titles(inbox) == [], "the feed is read at most once per interval"
    monkeypatch.setattr(inbox_module, "FOLLOW_SECONDS", 0.0)
    assert titles(inbox) == [notice(2).title, notice(1).title]


def test_an_article_another_process_publishes_leaves_the_inbox(
    two_processes: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, chief = two_processes
    monkeypatch.setattr(inbox_module, "FOLLOW_SECONDS", 0.0)
    store_articles(web, [notice(1), notice(2)])
    inbox = Inbox(web)
    assert inbox.page(EVERYTHING).total == 2
    chief.save_issue(Issue(series="大数据发展动态", number=1, total_number=1, date=dt.date(2025, 3, 7),
                           articles=[notice(1)]))
    assert titles(inbox) == [notice(2).title]
    assert inbox.options()["source"] == ["国家数据局"]


def test_a_page_shows_the_desk_state_as_it_is_now_and_the_state_filter_counts_never_changed_articles_as_new(
    two_processes: tuple[Store, Store],
) -> None:
    web, _ = two_processes
    store_articles(web, [notice(n) for n in (1, 2, 3)])
    inbox = Inbox(web)
    first, second, third = inbox.page(EVERYTHING).items
    inbox.change(second.article_id, 0, "editor", "inbox.rejected", state=CandidateState.REJECTED.value)
    rows = {row.article_id: row for row in inbox.page(EVERYTHING).items}
    assert (rows[second.article_id].state, rows[second.article_id].version) == (CandidateState.REJECTED, 1)
    assert titles(inbox, InboxFilters(state=CandidateState.NEW)) == [first.title, third.title]
    assert titles(inbox, InboxFilters(state=CandidateState.REJECTED)) == [second.title]
    later = InboxFilters(date_from=dt.date(2025, 3, 2), state=CandidateState.NEW)
    assert inbox.page(later).total == 1 and titles(inbox, later) == [first.title]
    paged = inbox.page(EVERYTHING, offset=1, limit=1)
    assert (paged.total, [row.title for row in paged.items]) == (3, [second.title])


def test_the_fields_the_filter_form_leaves_empty_filter_nothing() -> None:
    sent = {"source": "", "column": "地方新政", "region": "", "topic": "", "state": "", "date_from": "", "date_to": ""}
    assert InboxFilters.model_validate(sent) == InboxFilters(column="地方新政")
