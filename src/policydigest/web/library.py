"""What the web app reads from the store: issues, one article with the issues that carried it, pages of articles.

Read-only; every write goes through the store's own methods. Articles are read through the store's
one read path (``policydigest.store.articles``): the effective column and date are the ones search
indexes. What it returns are the API's own models (``policydigest.web.schemas``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from policydigest.errors import NotFoundError
from policydigest.model import Article, BlockKind, Issue
from policydigest.store import IssueSummary, Store
from policydigest.store.articles import StoredArticle, article_from_row, column_sql, date_sql, vetted_sql
from policydigest.store.repository import issue_from_row
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow
from policydigest.web.schemas import ArticleDetail, ArticleItem, Duplicate

#: Characters of an article's lead shown in lists when enrichment gave none.
LEAD_CHARS = 90


def lead_of(article: Article) -> str:
    """The summary's lead when enrichment made one, else the start of the first paragraph.

    >>> from policydigest.model import Block
    >>> lead_of(Article(title="t", blocks=[Block.paragraph("第一段。")]))
    '第一段。'
    """
    if article.enrichment.lead:
        return article.enrichment.lead
    for block in article.blocks:
        text = block.text.strip()
        if block.kind is BlockKind.PARAGRAPH and text:
            return text if len(text) <= LEAD_CHARS else text[:LEAD_CHARS] + "…"
    return ""


def article_item(stored: StoredArticle) -> ArticleItem:
    """The line of an article list for a stored article."""
    article = stored.article
    return ArticleItem(
        id=stored.id,
        title=article.title,
        column=stored.column,
        date=stored.date,
        source=article.source,
        url=article.url,
        lead=lead_of(article),
    )


class Library:
    """Read access to the store for pages, the API and feeds.

    >>> from policydigest.store import open_store
    >>> Library(open_store("sqlite://")).latest_issue() is None
    True
    """

    def __init__(self, store: Store, *, open_library: bool = False) -> None:
        self.store = store
        #: Off: readers see only articles of published issues and those an editor made public.
        self.open_library = open_library

    def published_issue_numbers(self) -> list[int]:
        """The 总期 of every stored issue (what restricted searches are limited to)."""
        with self.store.session() as session:
            return sorted(set(session.scalars(select(IssueRow.total_number))))

    def _visible(self, article_id: int) -> bool:
        if self.open_library:
            return True
        with self.store.session() as session:
            return session.scalar(select(ArticleRow.id).where(ArticleRow.id == article_id, vetted_sql())) is not None

    # ---- issues ------------------------------------------------------------------------------

    def issues(self, *, limit: int, offset: int = 0) -> tuple[list[IssueSummary], int]:
        """A page of issues, newest first, and how many there are in all."""
        count = (
            select(func.count(PlacementRow.article_id)).where(PlacementRow.issue_id == IssueRow.id).scalar_subquery()
        )
        query = (
            select(
                IssueRow.series, IssueRow.number, IssueRow.total_number, IssueRow.date, IssueRow.cover_headline, count
            )
            .order_by(IssueRow.date.desc(), IssueRow.total_number.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.store.session() as session:
            total = session.scalar(select(func.count(IssueRow.id))) or 0
            rows = [
                IssueSummary(series, number, total_number, date.isoformat(), headline, n)
                for series, number, total_number, date, headline, n in session.execute(query)
            ]
        return rows, total

    def latest_issue(self) -> Issue | None:
        """The newest issue (by date), or None when the store holds none."""
        with self.store.session() as session:
            row = session.execute(
                select(IssueRow.series, IssueRow.total_number).order_by(
                    IssueRow.date.desc(), IssueRow.total_number.desc()
                )
            ).first()
        return None if row is None else self.issue(row.total_number, row.series)

    def issue(self, total_number: int, series: str | None = None) -> Issue:
        """The issue with this 总期 (the newest one when several series share the number), its
        articles without their enrichment (pages of an issue do not show it; reading it is the slow part).

        Raises NotFoundError when there is none.
        """
        query = select(IssueRow).where(IssueRow.total_number == total_number).options(selectinload(IssueRow.toc))
        if series is not None:
            query = query.where(IssueRow.series == series)
        placed = (
            select(PlacementRow)
            .options(selectinload(PlacementRow.article).defer(ArticleRow.enrichment))
            .order_by(PlacementRow.position)
        )
        with self.store.session() as session:
            row = session.scalars(query.order_by(IssueRow.date.desc()).limit(1)).first()
            if row is None:
                raise NotFoundError(f"没有总第{total_number}期" + (f"（{series}）" if series else ""))
            # Without enrichment and provenance: the issue page needs neither and they are the bulk.
            articles = [
                article_from_row(p.article, full=False).model_copy(update={"column": p.column, "toc_page": p.toc_page})
                for p in session.scalars(placed.where(PlacementRow.issue_id == row.id))
            ]
            return issue_from_row(row, articles)

    # ---- articles ----------------------------------------------------------------------------

    def article(self, article_id: int) -> ArticleDetail:
        """One article with the issues that carried it (oldest first) and its enrichment. Raises NotFoundError."""
        found = self.store.stored_articles([article_id]) if self._visible(article_id) else []
        if not found:
            raise NotFoundError(f"没有编号为 {article_id} 的文章")
        stored = found[0]
        article, enrichment = stored.article, stored.article.enrichment
        similar = enrichment.duplicates.similar if enrichment.duplicates is not None else []
        titles = self.summaries(s.id for s in similar)
        return ArticleDetail(
            id=article_id,
            title=article.title,
            column=stored.column,
            date=stored.date,
            source=article.source,
            url=article.url,
            blocks=article.blocks,
            documents=article.documents,
            issues=list(stored.placements),
            facts=enrichment.facts,
            topics=enrichment.topic_labels,
            column_decision=enrichment.column,
            summary=enrichment.summary,
            duplicates=[
                Duplicate(id=s.id, title=titles[s.id].title if s.id in titles else None, jaccard=s.jaccard)
                for s in similar
            ],
        )

    def articles(
        self, *, limit: int, offset: int = 0, column: str | None = None, issue: int | None = None
    ) -> tuple[list[ArticleItem], int]:
        """A page of articles, newest first (optionally of one column or one issue), and the total."""
        day = date_sql()
        query = select(ArticleRow.id).order_by(day.desc().nulls_last(), ArticleRow.id.desc())
        counted = select(func.count(ArticleRow.id))
        if not self.open_library:
            query, counted = query.where(vetted_sql()), counted.where(vetted_sql())
        if column is not None:
            query, counted = query.where(column_sql() == column), counted.where(column_sql() == column)
        if issue is not None:
            carried = (
                select(PlacementRow.article_id)
                .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
                .where(IssueRow.total_number == issue)
            )
            query, counted = query.where(ArticleRow.id.in_(carried)), counted.where(ArticleRow.id.in_(carried))
        with self.store.session() as session:
            total = session.scalar(counted) or 0
            ids = list(session.scalars(query.limit(limit).offset(offset)))
        found = self.summaries(ids)
        return [found[i] for i in ids if i in found], total

    def summaries(self, ids: Iterable[int]) -> dict[int, ArticleItem]:
        """The articles with these ids that are stored, by id."""
        return {stored.id: article_item(stored) for stored in self.store.stored_articles(ids)}
