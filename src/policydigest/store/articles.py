"""The one read path from the store to what the stages need: an article, the issues that carried it,
its effective column and its date.

Search indexing, the web app, compose and enrichment all read articles here. Two rules are declared
once, each in Python (for loaded articles) and in SQL (for filtering and ordering pages), side by side:

* the **effective column**: the article's own column, else the column of the earliest issue that
  placed it in one, else the column the enrichment stage chose;
* the **date**: the publication date, else the date of the first issue that carried it.

A third is SQL only: what readers may see (:func:`vetted_sql`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from policydigest.enrichment import Enrichment, upgrade_enrichment
from policydigest.model import Article, AttachedDocument, Block, Provenance
from policydigest.store.desk_schema import CandidateRow
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow

#: Where an effective column came from.
ColumnSource = Literal["article", "issue", "enrichment"]


@dataclass(frozen=True)
class IssuePlacement:
    """An issue that carried an article, and the column it stood in there."""

    series: str
    number: int
    total_number: int
    date: dt.date
    column: str | None


def effective_column(article: Article, placements: Sequence[IssuePlacement] = ()) -> tuple[str, ColumnSource] | None:
    """The article's column and where it came from (``placements`` oldest first), or None.

    >>> chosen = {"column": {"column": "地方新政", "role": "local", "confidence": 0.9}}
    >>> effective_column(Article(title="t", enrichment=chosen))
    ('地方新政', 'enrichment')
    >>> effective_column(Article(title="t", column="国策要论")), effective_column(Article(title="t"))
    (('国策要论', 'article'), None)
    """
    if article.column:
        return article.column, "article"
    placed = next((p.column for p in placements if p.column), None)
    if placed:
        return placed, "issue"
    enriched = article.enrichment.column_name
    return (enriched, "enrichment") if enriched else None


@dataclass(frozen=True)
class StoredArticle:
    """A stored article (its own column, as stored) with the issues that carried it, oldest first."""

    article: Article
    placements: tuple[IssuePlacement, ...] = ()

    @property
    def id(self) -> int:
        assert self.article.id is not None, "a stored article has an id"
        return self.article.id

    @property
    def first_issue_date(self) -> dt.date | None:
        return self.placements[0].date if self.placements else None

    @property
    def date(self) -> dt.date | None:
        """The publication date, else the date of the first issue that carried the article."""
        return self.article.published or self.first_issue_date

    @property
    def column(self) -> str | None:
        """The effective column (see :func:`effective_column`)."""
        found = effective_column(self.article, self.placements)
        return found[0] if found else None

    @property
    def issues(self) -> tuple[int, ...]:
        """总期 of the issues that carried the article, in order, each once."""
        return tuple(sorted({p.total_number for p in self.placements}))

    def effective(self) -> Article:
        """The article with its effective column and date filled in (as pages and the API show it)."""
        return self.article.model_copy(update={"column": self.column, "published": self.date})


# ---- the same rules in SQL, for pages filtered and ordered by them ------------------------------


def date_sql() -> ColumnElement[Any]:
    """:attr:`StoredArticle.date` in SQL: the publication date, else the first issue's (a correlated subquery)."""
    first_issue = (
        select(func.min(IssueRow.date))
        .join(PlacementRow, PlacementRow.issue_id == IssueRow.id)
        .where(PlacementRow.article_id == ArticleRow.id)
        .scalar_subquery()
    )
    return func.coalesce(ArticleRow.published, first_issue)


def column_sql() -> ColumnElement[Any]:
    """:func:`effective_column` in SQL."""
    placed = (
        select(PlacementRow.column)
        .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
        .where(PlacementRow.article_id == ArticleRow.id, PlacementRow.column.is_not(None), PlacementRow.column != "")
        .order_by(IssueRow.date, IssueRow.total_number)
        .limit(1)
        .scalar_subquery()
    )
    enriched = ArticleRow.enrichment["column"]["column"].as_string()
    return func.coalesce(func.nullif(ArticleRow.column, ""), placed, enriched)


def best_topic_sql() -> ColumnElement[Any]:
    """:attr:`Enrichment.topic_labels`' first (best) label in SQL, or NULL before the topics stage ran.

    >>> print(best_topic_sql().type)
    VARCHAR
    """
    label: ColumnElement[Any] = ArticleRow.enrichment["topics"]["labels"][0]["label"].as_string()
    return label


def vetted_sql(article_id: Any = ArticleRow.id) -> ColumnElement[bool]:
    """What readers may see: an article carried by an issue, or one an editor made public.

    ``article_id`` is the column naming the article (another table's ``article_id`` filters its rows).

    >>> print(vetted_sql())  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    articles.id IN (SELECT issue_articles.article_id FROM issue_articles) OR articles.id IN (SELECT ...
    """
    placed = select(PlacementRow.article_id)
    public = select(CandidateRow.article_id).where(CandidateRow.public.is_(True))
    return or_(article_id.in_(placed), article_id.in_(public))


# ---- rows to models ------------------------------------------------------------------------------


def article_from_row(row: ArticleRow, *, full: bool = True) -> Article:
    """The model of a stored article with its attachments read; without ``full``, its enrichment and
    provenance are left out.

    >>> row = ArticleRow(id=3, title="标题", blocks=[{"kind": "paragraph", "text": "正文"}], enrichment={})
    >>> article_from_row(row, full=False).body
    '正文'
    """
    return Article(
        id=row.id,
        title=row.title,
        column=row.column,
        blocks=[Block.model_validate(block) for block in row.blocks or []],
        source=row.source,
        url=row.url,
        published=row.published,
        enrichment=upgrade_enrichment(row.enrichment) if full else Enrichment(),
        documents=[AttachedDocument.model_validate(document) for document in row.documents or []],
        provenance=[
            Provenance(
                kind=p.kind,
                location=p.location,
                issue_total_number=p.issue_total_number,
                retrieved_at=p.retrieved_at,
            )
            for p in (row.provenance if full else [])
        ],
    )


def load_articles(session: Session, ids: Iterable[int]) -> list[StoredArticle]:
    """The stored articles with these ids, by id, with their placements (ids not stored are left out).

    >>> from policydigest.store import open_store
    >>> load_articles(open_store("sqlite://").session(), [1, 2])
    []
    """
    wanted = sorted(set(ids))
    found: list[StoredArticle] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        placements: dict[int, list[IssuePlacement]] = {}
        placed = (
            select(
                PlacementRow.article_id,
                IssueRow.series,
                IssueRow.number,
                IssueRow.total_number,
                IssueRow.date,
                PlacementRow.column,
            )
            .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
            .where(PlacementRow.article_id.in_(chunk))
            .order_by(IssueRow.date, IssueRow.total_number, IssueRow.series)
        )
        for article_id, series, number, total, date, column in session.execute(placed):
            placements.setdefault(article_id, []).append(IssuePlacement(series, number, total, date, column))
        rows = session.scalars(
            select(ArticleRow)
            .where(ArticleRow.id.in_(chunk))
            .options(selectinload(ArticleRow.provenance))
            .order_by(ArticleRow.id)
        )
        found.extend(StoredArticle(article_from_row(row), tuple(placements.get(row.id, ()))) for row in rows)
    return found


def article_dates(session: Session) -> list[tuple[int, dt.date | None]]:
    """Every stored article's id and :attr:`StoredArticle.date`, by id.

    >>> from policydigest.store import open_store
    >>> article_dates(open_store("sqlite://").session())
    []
    """
    rows = session.execute(select(ArticleRow.id, date_sql()).order_by(ArticleRow.id))
    return [(article_id, day) for article_id, day in rows]


def iter_articles(session_factory: Any, batch: int = 1000) -> Iterator[list[StoredArticle]]:
    """Every stored article, in batches by id; each batch is read in its own session.

    ``session_factory`` is a callable giving a new session, such as ``Store.session``.
    """
    last = 0
    while True:
        with session_factory() as session:
            ids = list(
                session.scalars(select(ArticleRow.id).where(ArticleRow.id > last).order_by(ArticleRow.id).limit(batch))
            )
            if not ids:
                return
            loaded = load_articles(session, ids)
        yield loaded
        last = ids[-1]
