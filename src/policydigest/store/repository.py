"""Reading and writing issues and articles. Every write is one transaction: all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, Select, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from policydigest.enrichment import Enrichment
from policydigest.errors import NotFoundError, StoreError
from policydigest.model import Article, BackMatter, Issue, Masthead, TocEntry
from policydigest.store.articles import StoredArticle, article_dates, article_from_row, iter_articles, load_articles
from policydigest.store.changes import ArticleChanges
from policydigest.store.db import writer
from policydigest.store.outbox import Outbox
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow, ProvenanceRow, TocRow

log = logging.getLogger(__name__)


class SaveStatus(StrEnum):
    """What saving an issue did."""

    CREATED = "created"
    UNCHANGED = "unchanged"  # already stored, identical
    SKIPPED = "skipped"  # already stored, different; --replace would update it
    REPLACED = "replaced"


@dataclass(frozen=True)
class IssueSummary:
    """One line of the issue list."""

    series: str
    number: int
    total_number: int
    date: str
    cover_headline: str
    articles: int


def article_hash(article: Article) -> str:
    """Identity of an article's content: same title and body (white space aside) → same article.

    >>> from policydigest.model import Block
    >>> a = Article(title="标题", blocks=[Block.paragraph("正文。")])
    >>> article_hash(a) == article_hash(a.model_copy(update={"column": "国策要论"}))
    True
    >>> article_hash(a) == article_hash(Article(title="标", blocks=[Block.paragraph("题正文。")]))
    False
    """
    # White space is dropped (PDF artifacts); the separator keeps the title/body boundary.
    title, body = ("".join(part.split()) for part in (article.title, article.body))
    return hashlib.sha256(f"{title}\x1f{body}".encode()).hexdigest()


def issue_hash(issue: Issue) -> str:
    """Identity of an issue's whole content, to tell "unchanged" from "different"."""
    payload = issue.model_dump(mode="json", exclude={"source_file", "warnings"})
    for article in payload["articles"]:
        article.pop("provenance", None)
        article.pop("id", None)
        article.pop("enrichment", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Store:
    """The store: issues and articles in SQLite or PostgreSQL.

    >>> from policydigest.store.db import create_store_engine
    >>> Store(create_store_engine("sqlite://")).list_issues()
    []
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        #: Subscribe here to hear which articles each committed write touched (the search index does).
        self.changes = ArticleChanges(self._sessions)
        #: Register here work that new rows cause, to be recorded in the same transaction (the job queue does).
        self.outbox = Outbox(self._sessions)

    def session(self) -> Session:
        """A new ORM session on the store (the caller closes it); its commits reach ``changes``."""
        return self._sessions()

    def write_session(self) -> Session:
        """A new session whose transactions take the write lock up front (SQLite: ``BEGIN IMMEDIATE``), so a
        transaction that reads and then writes never fails to upgrade beside another writer. Its commits do
        not reach ``changes``: delivery and the intelligence build write no articles."""
        return Session(writer(self.engine), expire_on_commit=False)

    def close(self) -> None:
        """Close the store's connections; the store can be used again afterwards (it reconnects)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- writing -----------------------------------------------------------------------------

    def save_issue(self, issue: Issue, *, replace: bool = False) -> SaveStatus:
        """Store ``issue`` in one transaction, all or nothing; identity is (series, 总期).

        An identical issue is UNCHANGED; a different one is SKIPPED, or REPLACED with ``replace``.
        Raises ``StoreError`` (nothing stored) when the database refuses it.

        >>> from policydigest.store import open_store
        >>> store = open_store("sqlite://")
        >>> issue = Issue(series="示例", number=1, total_number=1, date="2024-01-05")
        >>> store.save_issue(issue), store.save_issue(issue)
        (<SaveStatus.CREATED: 'created'>, <SaveStatus.UNCHANGED: 'unchanged'>)
        """
        what = f"{issue.series} 总第{issue.total_number}期"
        problem = _unstorable_text(issue.model_dump())
        if problem:
            raise StoreError(f"无法存入{what}：{problem}；没有存入任何内容")
        digest = issue_hash(issue)
        try:
            with self._sessions(bind=writer(self.engine)) as session, session.begin():
                existing = session.scalar(
                    select(IssueRow).where(IssueRow.series == issue.series, IssueRow.total_number == issue.total_number)
                )
                if existing is not None:
                    if existing.content_hash == digest:
                        return SaveStatus.UNCHANGED
                    if not replace:
                        return SaveStatus.SKIPPED
                    old_article_ids = self._delete_issue(session, existing)
                self._insert_issue(session, issue, digest, replace=replace)
                if existing is not None:
                    self._delete_orphans(session, old_article_ids)
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"无法存入{what}：{reason}；没有存入任何内容") from exc
        return SaveStatus.REPLACED if existing is not None else SaveStatus.CREATED

    def _insert_issue(self, session: Session, issue: Issue, digest: str, *, replace: bool) -> None:
        row = issue_row(issue, digest)
        session.add(row)
        for position, article in enumerate(issue.articles):
            article_row = self._upsert_article(session, article, replace=replace)
            row.placements.append(
                PlacementRow(
                    position=position,
                    article=article_row,
                    column=article.column,
                    toc_page=article.toc_page,
                )
            )
        session.flush()

    def upsert_article(self, session: Session, article: Article) -> ArticleRow:
        """Store ``article`` inside the caller's transaction, or add its provenance to the stored copy.

        Identity is the content hash (title + body), as for articles of issues.
        """
        return self._upsert_article(session, article)

    def _upsert_article(self, session: Session, article: Article, *, replace: bool = False) -> ArticleRow:
        digest = article_hash(article)
        row = session.scalar(select(ArticleRow).where(ArticleRow.content_hash == digest))
        if row is None:
            row = ArticleRow(
                content_hash=digest,
                title=article.title,
                column=article.column,
                blocks=[block.model_dump(mode="json") for block in article.blocks],
                source=article.source,
                url=article.url,
                published=article.published,
                enrichment=article.enrichment.stored(),
                documents=[document.model_dump(mode="json") for document in article.documents],
            )
            session.add(row)
        elif replace:
            # The new version of an issue is the better reading: it may fix a source line or link.
            row.source = article.source or row.source
            row.url = article.url or row.url
            row.published = article.published or row.published
        else:
            log.info("article %r is already stored as #%s; adding its provenance", article.title, row.id)
            row.source = row.source or article.source
            row.url = row.url or article.url
            row.published = row.published or article.published
        if article.documents and not row.documents:
            row.documents = [document.model_dump(mode="json") for document in article.documents]
        known = {(p.kind, p.location, p.issue_total_number) for p in row.provenance}
        for prov in article.provenance:
            if (prov.kind, prov.location, prov.issue_total_number) not in known:
                row.provenance.append(
                    ProvenanceRow(
                        kind=prov.kind,
                        location=prov.location,
                        issue_total_number=prov.issue_total_number,
                        retrieved_at=prov.retrieved_at,
                    )
                )
        return row

    def _delete_issue(self, session: Session, row: IssueRow) -> set[int]:
        """Delete the issue and its provenance on its articles; returns the ids of those articles."""
        article_ids = {placement.article_id for placement in row.placements}
        session.delete(row)
        session.flush()
        session.execute(
            delete(ProvenanceRow).where(
                ProvenanceRow.article_id.in_(article_ids),
                ProvenanceRow.kind == "bulletin",
                ProvenanceRow.issue_total_number == row.total_number,
            )
        )
        return article_ids

    def _delete_orphans(self, session: Session, article_ids: set[int]) -> None:
        """Delete those of ``article_ids`` that no issue holds and nothing else provides."""
        # Runs after the new version is in, so articles it still holds keep their id and enrichment.
        session.flush()
        still_placed = select(PlacementRow.article_id).where(PlacementRow.article_id.in_(article_ids))
        orphan_ids = article_ids - set(session.scalars(still_placed))
        has_other_provenance = set(
            session.scalars(select(ProvenanceRow.article_id).where(ProvenanceRow.article_id.in_(orphan_ids)))
        )
        session.execute(delete(ArticleRow).where(ArticleRow.id.in_(orphan_ids - has_other_provenance)))

    # ---- reading -----------------------------------------------------------------------------

    def list_issues(self) -> list[IssueSummary]:
        """Every stored issue, newest first."""
        count = (
            select(func.count(PlacementRow.article_id)).where(PlacementRow.issue_id == IssueRow.id).scalar_subquery()
        )
        query = select(IssueRow, count).order_by(IssueRow.date.desc(), IssueRow.total_number.desc())
        with self.session() as session:
            return [
                IssueSummary(
                    series=row.series,
                    number=row.number,
                    total_number=row.total_number,
                    date=row.date.isoformat(),
                    cover_headline=row.cover_headline,
                    articles=n,
                )
                for row, n in session.execute(query)
            ]

    def get_issue(self, total_number: int, series: str | None = None) -> Issue:
        """The issue with this 总期 (in ``series`` when several series are stored)."""
        query = self._issue_query().where(IssueRow.total_number == total_number).order_by(IssueRow.series)
        if series is not None:
            query = query.where(IssueRow.series == series)
        with self.session() as session:
            rows = list(session.scalars(query))
            if not rows:
                raise NotFoundError(f"存储中没有总第{total_number}期（见 `policydigest issues`）")
            return issue_from_row(rows[0])

    def iter_issues(self) -> Iterator[Issue]:
        """Every stored issue, oldest first."""
        with self.session() as session:
            for row in session.scalars(self._issue_query().order_by(IssueRow.date, IssueRow.total_number)):
                yield issue_from_row(row)

    def count_articles(self) -> int:
        """How many distinct articles are stored (an article in two issues counts once)."""
        with self.session() as session:
            return session.scalar(select(func.count(ArticleRow.id))) or 0

    # ---- enrichment (issue 3) ----------------------------------------------------------------

    def articles_for_enrichment(
        self, issue_total_number: int | None = None, *, ids: Collection[int] | None = None
    ) -> list[tuple[Article, dt.date | None]]:
        """Stored articles (all, one issue's, or those with ``ids``), oldest first, each with the date that
        orders it: its publication date, else the date of the first issue it appeared in.

        >>> from policydigest.store.db import create_store_engine
        >>> Store(create_store_engine("sqlite://")).articles_for_enrichment()
        []
        """
        query = select(ArticleRow.id)
        with self.session() as session:
            if issue_total_number is not None:
                wanted = select(IssueRow.id).where(IssueRow.total_number == issue_total_number)
                issue_ids = list(session.scalars(wanted))
                if not issue_ids:
                    raise NotFoundError(f"存储中没有总第{issue_total_number}期（见 `policydigest issues`）")
                placed = select(PlacementRow.article_id).where(PlacementRow.issue_id.in_(issue_ids))
                query = query.where(ArticleRow.id.in_(placed))
            if ids is not None:
                query = query.where(ArticleRow.id.in_(list(ids)))
            stored = load_articles(session, session.scalars(query))
        rows = [(s.article, s.date) for s in stored]
        return sorted(rows, key=lambda pair: (pair[1] or dt.date.max, pair[0].id or 0))

    def update_enrichment(self, enrichment: Mapping[int, Enrichment]) -> None:
        """Replace the enrichment of the articles with these ids, all in one transaction."""
        with self.session() as session, session.begin():
            for article_id, data in enrichment.items():
                row = session.get(ArticleRow, article_id)
                if row is None:
                    raise NotFoundError(f"存储中没有文章 #{article_id}")
                row.enrichment = data.stored()

    def stored_articles(self, ids: Iterable[int]) -> list[StoredArticle]:
        """The articles with these ids, by id, with the issues that carried them (ids not stored are left out)."""
        with self.session() as session:
            return load_articles(session, ids)

    def article_dates(self) -> list[tuple[int, dt.date | None]]:
        """Every stored article's id and date (its publication date, else its first issue's), by id."""
        with self.session() as session:
            return article_dates(session)

    def iter_stored_articles(self, batch: int = 1000) -> Iterator[list[StoredArticle]]:
        """Every stored article with the issues that carried it, in batches by id."""
        return iter_articles(self.session, batch)

    @staticmethod
    def _issue_query() -> Select[Any]:
        """Issues with their contents, loaded in a few queries rather than one per article."""
        return select(IssueRow).options(
            selectinload(IssueRow.toc),
            selectinload(IssueRow.placements).selectinload(PlacementRow.article).selectinload(ArticleRow.provenance),
        )


def _unstorable_text(value: Any) -> str | None:
    """Why some text in ``value`` cannot be stored on every back end, or None when all is well."""
    if isinstance(value, str):
        if "\x00" in value:
            return f"文字含有 PostgreSQL 无法存储的 NUL 字符：{value[:40]!r}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"文字不是有效的 Unicode（孤立的代理字符）：{value[:40]!r}"
        return None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    keys = value.keys() if isinstance(value, dict) else ()
    return next((p for p in map(_unstorable_text, [*keys, *items]) if p), None)


def issue_row(issue: Issue, digest: str | None = None) -> IssueRow:
    """A new row for ``issue`` with its table of contents (articles are placed by the caller)."""
    row = IssueRow(
        series=issue.series,
        number=issue.number,
        total_number=issue.total_number,
        date=issue.date,
        cover_headline=issue.cover_headline,
        masthead=issue.masthead.model_dump(mode="json"),
        disclaimer=issue.disclaimer,
        back_matter=[part.model_dump(mode="json") for part in issue.back_matter],
        warnings=list(issue.warnings),
        source_file=issue.source_file,
        content_hash=digest or issue_hash(issue),
    )
    row.toc = [
        TocRow(position=i, column=entry.column, title=entry.title, page=entry.page) for i, entry in enumerate(issue.toc)
    ]
    return row


def issue_from_row(row: IssueRow, articles: list[Article] | None = None) -> Issue:
    """The model of a stored issue; ``articles`` defaults to its placed articles, fully loaded."""
    if articles is None:
        articles = []
        for placement in row.placements:
            article = article_from_row(placement.article)
            # Column and page belong to the placement: the same article may sit differently in two issues.
            update = {"column": placement.column, "toc_page": placement.toc_page}
            articles.append(article.model_copy(update=update))
    return Issue(
        series=row.series,
        number=row.number,
        total_number=row.total_number,
        date=row.date,
        cover_headline=row.cover_headline,
        masthead=Masthead.model_validate(row.masthead),
        disclaimer=row.disclaimer,
        toc=[TocEntry(column=t.column, title=t.title, page=t.page) for t in row.toc],
        articles=articles,
        back_matter=[BackMatter.model_validate(part) for part in row.back_matter],
        source_file=row.source_file,
        warnings=list(row.warnings),
    )
