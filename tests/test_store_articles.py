"""The one read path: articles with the issues that carried them, their effective column and date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from policydigest.enrichment import ColumnDecision, Enrichment
from policydigest.model import Article, Block
from policydigest.store import Store, open_store
from policydigest.store.articles import IssuePlacement, StoredArticle, column_sql, date_sql, effective_column
from policydigest.store.schema import ArticleRow
from store_samples import article, small_issue

LOCAL = Enrichment(column=ColumnDecision(column="地方新政", role="local", confidence=0.9))


def _stored_by_title(store: Store) -> dict[str, StoredArticle]:
    with store.session() as session:
        ids = list(session.scalars(select(ArticleRow.id)))
    return {s.article.title: s for s in store.stored_articles(ids)}


def test_the_column_is_the_articles_own_then_its_first_issues_then_enrichments() -> None:
    placed = (
        IssuePlacement("s", 1, 1, dt.date(2025, 1, 1), None),
        IssuePlacement("s", 2, 2, dt.date(2025, 2, 1), "数谷动态"),
    )
    bare = Article(title="t", enrichment=LOCAL)
    assert effective_column(bare.model_copy(update={"column": "国策要论"}), placed) == ("国策要论", "article")
    assert effective_column(bare, placed) == ("数谷动态", "issue")
    assert effective_column(bare) == ("地方新政", "enrichment")
    assert effective_column(Article(title="t")) is None


def test_sql_and_python_agree_on_column_and_date_of_stored_articles(store_url: str) -> None:
    with open_store(store_url) as store:
        unplaced = article("网上来的", enrichment=LOCAL, published=dt.date(2025, 3, 2))
        later = article("两期都登", column="产业前沿", total_number=12)
        store.save_issue(small_issue(12, later, date=dt.date(2025, 3, 14)))
        earlier = later.model_copy(update={"column": "数谷动态"})
        store.save_issue(small_issue(11, earlier, article("无栏目", column=None), date=dt.date(2025, 3, 7)))
        picked = article("编辑选用", published=None)
        with store.session() as session, session.begin():
            store.upsert_article(session, unplaced)
            store.upsert_article(session, picked)
        store.save_issue(small_issue(13, picked.model_copy(update={"column": "数谷动态"}), date=dt.date(2025, 3, 21)))
        stored = _stored_by_title(store)
        with store.session() as session:
            rows = session.execute(select(ArticleRow.title, column_sql(), date_sql()))
            in_sql = {title: (column, day) for title, column, day in rows}
    assert {title: (s.column, s.date) for title, s in stored.items()} == in_sql
    assert in_sql["网上来的"] == ("地方新政", dt.date(2025, 3, 2))
    assert stored["两期都登"].issues == (11, 12) and stored["两期都登"].first_issue_date == dt.date(2025, 3, 7)
    assert in_sql["无栏目"] == (None, dt.date(2025, 3, 7))
    assert in_sql["编辑选用"] == ("数谷动态", dt.date(2025, 3, 21)) and stored["编辑选用"].article.column is None


def test_stored_enrichment_of_an_older_shape_is_read_without_the_stale_stage() -> None:
    store = open_store("sqlite://")
    store.save_issue(small_issue(1, article("旧数据", column="国策要论")))
    with store.session() as session, session.begin():
        row = session.scalars(select(ArticleRow)).one()
        row.enrichment = {
            "summary": {"lead": "导语"},  # an older summary without its other fields
            "topics": {"labels": [{"id": "ai", "label": "人工智能", "score": 3.0, "keywords": []}]},
            "versions": {"summary": "0", "topics": "1"},
            "compose": {"original_title": "旧标题"},
        }
    [stored] = _stored_by_title(store).values()
    enrichment = stored.article.enrichment
    assert enrichment.summary is None and enrichment.versions == {"topics": "1"}
    assert [t.label for t in enrichment.topic_labels] == ["人工智能"]
    assert stored.article.body == "旧数据的正文。" and stored.article.blocks == [Block.paragraph("旧数据的正文。")]
