"""What the web app reads from the store: issues, one article with the issues that carried it, pages of articles.

Read-only; every write goes through the store's own methods. Dates of articles follow the search
index: an article's publication date, else the date of the first issue that carried it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from policydigest.errors import NotFoundError
from policydigest.model import Article, AttachedDocument, Block, Issue
from policydigest.store import IssueSummary, Store
from policydigest.store.repository import article_from_row, issue_from_row
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow

#: Characters of an article's lead shown in lists when enrichment gave none.
LEAD_CHARS = 90


@dataclass(frozen=True)
class Placement:
    """An issue that carried an article, and the column it stood in there."""

    series: str
    number: int
    total_number: int
    date: dt.date
    column: str | None


@dataclass(frozen=True)
class ArticleSummary:
    """One line of an article list."""

    id: int
    title: str
    column: str | None
    date: dt.date | None
    source: str | None
    url: str | None
    lead: str


def lead_of(title: str, blocks: Iterable[Mapping[str, Any]], enrichment: Mapping[str, Any]) -> str:
    """The summary's lead when enrichment made one, else the start of the first paragraph.

    >>> lead_of("t", [{"kind": "paragraph", "text": "第一段。"}], {})
    '第一段。'
    >>> lead_of("t", [], {"summary": {"lead": "导语。"}})
    '导语。'
    """
    summary = enrichment.get("summary")
    if isinstance(summary, Mapping) and isinstance(summary.get("lead"), str) and summary["lead"].strip():
        return str(summary["lead"]).strip()
    for block in blocks:
        text = str(block.get("text") or "").strip()
        if block.get("kind") == "paragraph" and text:
            return text if len(text) <= LEAD_CHARS else text[:LEAD_CHARS] + "…"
    return ""


class Library:
    """Read access to the store for pages, the API and feeds.

    >>> from policydigest.store import open_store
    >>> Library(open_store("sqlite://")).latest_issue() is None
    True
    """

    def __init__(self, store: Store) -> None:
        self.store = store

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
            select(
                PlacementRow.column,
                PlacementRow.toc_page,
                ArticleRow.id,
                ArticleRow.title,
                ArticleRow.blocks,
                ArticleRow.source,
                ArticleRow.url,
                ArticleRow.published,
                ArticleRow.documents,
            )
            .join(ArticleRow, ArticleRow.id == PlacementRow.article_id)
            .order_by(PlacementRow.position)
        )
        with self.store.session() as session:
            row = session.scalars(query.order_by(IssueRow.date.desc()).limit(1)).first()
            if row is None:
                raise NotFoundError(f"没有总第{total_number}期" + (f"（{series}）" if series else ""))
            articles = [
                Article(
                    id=a.id,
                    title=a.title,
                    column=a.column,
                    blocks=[Block.model_validate(b) for b in a.blocks or []],
                    source=a.source,
                    url=a.url,
                    published=a.published,
                    toc_page=a.toc_page,
                    documents=[AttachedDocument.model_validate(d) for d in a.documents or []],
                )
                for a in session.execute(placed.where(PlacementRow.issue_id == row.id))
            ]
            # Without enrichment and provenance: the issue page needs neither and they are the bulk.
            return issue_from_row(row, articles)

    # ---- articles ----------------------------------------------------------------------------

    def article(self, article_id: int) -> tuple[Article, list[Placement]]:
        """One article and the issues that carried it (oldest first). Raises NotFoundError."""
        with self.store.session() as session:
            row = session.scalar(
                select(ArticleRow).where(ArticleRow.id == article_id).options(selectinload(ArticleRow.provenance))
            )
            if row is None:
                raise NotFoundError(f"没有编号为 {article_id} 的文章")
            article = article_from_row(row)
            placed = session.execute(
                select(IssueRow.series, IssueRow.number, IssueRow.total_number, IssueRow.date, PlacementRow.column)
                .join(PlacementRow, PlacementRow.issue_id == IssueRow.id)
                .where(PlacementRow.article_id == article_id)
                .order_by(IssueRow.date, IssueRow.total_number)
            )
            placements = [Placement(*values) for values in placed]
        if article.column is None:
            enriched = article.enrichment.get("column")
            column = placements[0].column if placements else None
            if column is None and isinstance(enriched, Mapping) and isinstance(enriched.get("column"), str):
                column = enriched["column"]
            article = article.model_copy(update={"column": column})
        if article.published is None and placements:
            article = article.model_copy(update={"published": placements[0].date})
        return article, placements

    def _first_issue(self) -> Any:
        return (
            select(
                PlacementRow.article_id,
                func.min(IssueRow.date).label("first_date"),
                func.min(PlacementRow.column).label("placed_column"),
            )
            .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
            .group_by(PlacementRow.article_id)
            .subquery()
        )

    @staticmethod
    def _column(first: Any) -> Any:
        # The article's own column, else its first issue's, else the one enrichment chose.
        enriched = ArticleRow.enrichment["column"]["column"].as_string()
        return func.coalesce(ArticleRow.column, first.c.placed_column, enriched)

    def _article_page(self, first: Any) -> Select[Any]:
        day = func.coalesce(ArticleRow.published, first.c.first_date)
        column = self._column(first)
        return (
            select(
                ArticleRow.id,
                ArticleRow.title,
                column.label("column"),
                day.label("day"),
                ArticleRow.source,
                ArticleRow.url,
                ArticleRow.blocks,
                ArticleRow.enrichment,
            )
            .outerjoin(first, first.c.article_id == ArticleRow.id)
            .order_by(day.desc().nulls_last(), ArticleRow.id.desc())
        )

    def articles(
        self, *, limit: int, offset: int = 0, column: str | None = None, issue: int | None = None
    ) -> tuple[list[ArticleSummary], int]:
        """A page of articles, newest first (optionally of one column or one issue), and the total."""
        first = self._first_issue()
        query = self._article_page(first)
        counted = select(func.count(ArticleRow.id)).outerjoin(first, first.c.article_id == ArticleRow.id)
        if column is not None:
            condition = self._column(first) == column
            query, counted = query.where(condition), counted.where(condition)
        if issue is not None:
            carried = (
                select(PlacementRow.article_id)
                .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
                .where(IssueRow.total_number == issue)
            )
            query, counted = query.where(ArticleRow.id.in_(carried)), counted.where(ArticleRow.id.in_(carried))
        with self.store.session() as session:
            total = session.scalar(counted) or 0
            rows = list(session.execute(query.limit(limit).offset(offset)))
        return [_summary(row) for row in rows], total

    def summaries(self, ids: Iterable[int]) -> dict[int, ArticleSummary]:
        """The articles with these ids that are stored, by id."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        first = self._first_issue()
        with self.store.session() as session:
            rows = list(session.execute(self._article_page(first).where(ArticleRow.id.in_(wanted))))
        return {row.id: _summary(row) for row in rows}


def _summary(row: Any) -> ArticleSummary:
    """A list line from a row of ``_article_page``."""
    return ArticleSummary(
        id=row.id,
        title=row.title,
        column=row.column,
        date=row.day,
        source=row.source,
        url=row.url,
        lead=lead_of(row.title, row.blocks or [], row.enrichment or {}),
    )
