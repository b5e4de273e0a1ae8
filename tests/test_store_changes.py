"""The store's change feed: which articles each committed write touched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update

from policydigest.model import Article, Block, Issue
from policydigest.store import open_store
from policydigest.store.schema import ArticleRow


def issue(total: int, *titles: str) -> Issue:
    articles = [Article(title=t, blocks=[Block.paragraph(f"{t}的正文。")]) for t in titles]
    return Issue(series="测试", number=total, total_number=total, date=dt.date(2025, 1, total), articles=articles)


def test_saving_an_issue_reports_its_articles_after_the_commit() -> None:
    store = open_store("sqlite://")
    seen: list[frozenset[int]] = []
    store.changes.subscribe(seen.append)
    store.save_issue(issue(1, "甲", "乙"))
    assert seen == [frozenset({1, 2})]


def test_replacing_an_issue_reports_the_removed_and_the_new_articles() -> None:
    store = open_store("sqlite://")
    store.save_issue(issue(1, "甲", "乙"))
    seen: list[frozenset[int]] = []
    store.changes.subscribe(seen.append)
    store.save_issue(issue(1, "甲", "丙"), replace=True)
    # 甲 keeps #1, 乙 (#2) is deleted and 丙 gets a fresh id (#3): each is reported once.
    assert seen == [frozenset({1, 2, 3})]


def test_enrichment_updates_are_reported() -> None:
    store = open_store("sqlite://")
    store.save_issue(issue(1, "甲"))
    seen: list[frozenset[int]] = []
    store.changes.subscribe(seen.append)
    with store.session() as session, session.begin():
        row = session.get(ArticleRow, 1)
        assert row is not None
        row.enrichment = {"topics": []}
    assert seen == [frozenset({1})]


def test_bulk_statements_report_the_rows_they_touch() -> None:
    store = open_store("sqlite://")
    store.save_issue(issue(1, "甲", "乙", "丙"))
    seen: list[frozenset[int]] = []
    store.changes.subscribe(seen.append)
    with store.session() as session, session.begin():
        session.execute(update(ArticleRow).where(ArticleRow.title == "乙").values(source="某报"))
        session.execute(delete(ArticleRow).where(ArticleRow.id == 3))
    assert seen == [frozenset({2, 3})]


def test_a_rolled_back_write_reports_nothing() -> None:
    store = open_store("sqlite://")
    store.save_issue(issue(1, "甲"))
    seen: list[frozenset[int]] = []
    store.changes.subscribe(seen.append)
    with store.session() as session:
        session.begin()
        row = session.get(ArticleRow, 1)
        assert row is not None
        row.title = "改"
        session.flush()
        session.rollback()
    store.save_issue(issue(2))  # an issue without articles touches none
    assert seen == []


def test_a_failing_listener_does_not_undo_the_write() -> None:
    store = open_store("sqlite://")

    def broken(_ids: frozenset[int]) -> None:
        raise RuntimeError("boom")

    store.changes.subscribe(broken)
    store.save_issue(issue(1, "甲"))
    assert store.count_articles() == 1
