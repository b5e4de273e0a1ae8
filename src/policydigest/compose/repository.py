"""Drafts in the store: candidates for the next issue, saving and loading drafts, publishing one.

Every write is one transaction. Publishing writes the issue, its table of contents and its placements
pointing at the articles already stored (so they count as published from then on), applies the
editor's new titles, and marks the draft published — all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session, selectinload

from policydigest.compose.dedup import body_key
from policydigest.compose.model import Draft, DraftItem, DraftStatus, ItemState, ScorePart
from policydigest.compose.numbering import Numbered
from policydigest.errors import DraftError, NotFoundError
from policydigest.ingest.links import canonical_url
from policydigest.model import Article, Issue
from policydigest.store import Store
from policydigest.store.articles import article_from_row
from policydigest.store.compose_schema import DraftItemRow, DraftRow
from policydigest.store.repository import article_hash
from policydigest.store.repository import issue_row as new_issue_row
from policydigest.store.schema import ArticleRow, IssueRow, PlacementRow

#: How far back published issues are compared with candidates for repeats.
REPEAT_LOOKBACK_DAYS = 180


class DraftRepository:
    """Drafts of issues, kept beside the issues in the same store.

    >>> from policydigest.store import open_store
    >>> DraftRepository(open_store("sqlite://")).open_drafts()
    []
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- candidates ------------------------------------------------------------------------------

    def candidates(self, date_from: dt.date, date_to: dt.date, *, series: str) -> list[Article]:
        """Stored articles dated in the window that no issue published and no other open draft holds."""
        day = func.coalesce(ArticleRow.published, cast(ArticleRow.created_at, Date))
        placed = select(PlacementRow.article_id)
        held = (
            select(DraftItemRow.article_id)
            .join(DraftRow, DraftRow.id == DraftItemRow.draft_id)
            .where(DraftRow.status == DraftStatus.OPEN.value, DraftItemRow.state == ItemState.INCLUDED.value)
        )
        query = (
            select(ArticleRow)
            .where(day >= date_from, day <= date_to, ArticleRow.id.not_in(placed), ArticleRow.id.not_in(held))
            .options(selectinload(ArticleRow.provenance))
            .order_by(ArticleRow.id)
        )
        with self.store.session() as session:
            return [article_from_row(row) for row in session.scalars(query)]

    def published_keys(self, before: dt.date, ids: Iterable[int]) -> tuple[dict[str, int], dict[int, int]]:
        """Canonical links and body keys of recently published articles (→ 总期), and which of ``ids``
        are published (→ 总期)."""
        since = before - dt.timedelta(days=REPEAT_LOOKBACK_DAYS)
        query = (
            select(ArticleRow, IssueRow.total_number)
            .join(PlacementRow, PlacementRow.article_id == ArticleRow.id)
            .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
            .where(IssueRow.date >= since)
        )
        keys: dict[str, int] = {}
        with self.store.session() as session:
            for row, total in session.execute(query):
                article = article_from_row(row)
                for key in (canonical_url(row.url) if row.url else None, body_key(article)):
                    if key:
                        keys.setdefault(key, total)
            wanted = list(set(ids))
            placed = session.execute(
                select(PlacementRow.article_id, IssueRow.total_number)
                .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
                .where(PlacementRow.article_id.in_(wanted))
            )
            return keys, {article_id: total for article_id, total in placed}

    def articles(self, ids: Iterable[int]) -> dict[int, Article]:
        """Stored articles by id (missing ids are absent)."""
        query = select(ArticleRow).where(ArticleRow.id.in_(list(ids))).options(selectinload(ArticleRow.provenance))
        with self.store.session() as session:
            return {row.id: article_from_row(row) for row in session.scalars(query)}

    def is_published(self, article_id: int) -> int | None:
        """The 总期 of an issue that carries the article, or None."""
        with self.store.session() as session:
            return session.scalar(
                select(IssueRow.total_number)
                .join(PlacementRow, PlacementRow.issue_id == IssueRow.id)
                .where(PlacementRow.article_id == article_id)
                .limit(1)
            )

    def series_numbers(self, series: str, *, exclude_draft: int | None = None) -> list[Numbered]:
        """Numbers and dates of the series' stored issues and open drafts."""
        with self.store.session() as session:
            issues = session.execute(
                select(IssueRow.number, IssueRow.total_number, IssueRow.date).where(IssueRow.series == series)
            )
            found = [Numbered(n, t, d) for n, t, d in issues]
            drafts = session.execute(
                select(DraftRow.number, DraftRow.total_number, DraftRow.date).where(
                    DraftRow.series == series,
                    DraftRow.status == DraftStatus.OPEN.value,
                    DraftRow.id != (exclude_draft or -1),
                )
            )
            found.extend(Numbered(n, t, d) for n, t, d in drafts)
        return found

    # ---- drafts ----------------------------------------------------------------------------------

    def save(self, draft: Draft) -> Draft:
        """Store a new draft, or replace the stored one with the same id; returns it with its id."""
        with self.store.session() as session, session.begin():
            self._check_numbers(session, draft)
            row = session.get(DraftRow, draft.id) if draft.id is not None else None
            if row is None:
                row = DraftRow()
                session.add(row)
            elif row.status != DraftStatus.OPEN.value:
                raise DraftError(f"草稿总第{row.total_number}期已出版，不能再改")
            _fill_row(row, draft)
            session.flush()
            draft_id = row.id
        return self.get(total_number=draft.total_number, series=draft.series, draft_id=draft_id)

    def _check_numbers(self, session: Session, draft: Draft) -> None:
        taken = session.scalar(
            select(IssueRow.id).where(IssueRow.series == draft.series, IssueRow.total_number == draft.total_number)
        )
        if taken is not None:
            raise DraftError(f"{draft.series} 总第{draft.total_number}期已出版；请换一个总期号")
        other = session.scalar(
            select(DraftRow.id).where(
                DraftRow.series == draft.series,
                DraftRow.total_number == draft.total_number,
                DraftRow.id != (draft.id or -1),
            )
        )
        if other is not None:
            raise DraftError(f"已有另一份草稿编为总第{draft.total_number}期")

    def get(self, total_number: int | None = None, *, series: str | None = None, draft_id: int | None = None) -> Draft:
        """A draft by id, by 总期, or (neither given) the newest open draft."""
        query = select(DraftRow).options(selectinload(DraftRow.items).selectinload(DraftItemRow.article))
        if draft_id is not None:
            query = query.where(DraftRow.id == draft_id)
        elif total_number is not None:
            query = query.where(DraftRow.total_number == total_number)
        else:
            query = query.where(DraftRow.status == DraftStatus.OPEN.value)
        if series is not None:
            query = query.where(DraftRow.series == series)
        with self.store.session() as session:
            row = session.scalars(query.order_by(DraftRow.created_at.desc(), DraftRow.id.desc())).first()
            if row is None:
                which = f"总第{total_number}期的" if total_number is not None else "未出版的"
                raise NotFoundError(f"存储中没有{which}草稿（请先运行 `policydigest draft` 起草）")
            return _draft_from_row(row)

    def open_drafts(self) -> list[Draft]:
        """Every open draft, newest first."""
        query = (
            select(DraftRow)
            .where(DraftRow.status == DraftStatus.OPEN.value)
            .options(selectinload(DraftRow.items).selectinload(DraftItemRow.article))
            .order_by(DraftRow.created_at.desc(), DraftRow.id.desc())
        )
        with self.store.session() as session:
            return [_draft_from_row(row) for row in session.scalars(query)]

    # ---- publishing ------------------------------------------------------------------------------

    def publish(self, draft: Draft, issue: Issue) -> None:
        """Store ``issue`` as the frozen form of ``draft`` and mark its articles published."""
        ids = [a.id for a in issue.articles]
        if any(i is None for i in ids):
            raise DraftError("出版草稿中的每篇文章都必须是已入库的文章")
        with self.store.session() as session, session.begin():
            row = session.get(DraftRow, draft.id)
            if row is None or row.status != DraftStatus.OPEN.value:
                raise DraftError(f"草稿总第{draft.total_number}期不是未出版状态；没有出版任何内容")
            self._check_numbers(session, draft)
            carried = session.execute(
                select(PlacementRow.article_id, IssueRow.total_number)
                .join(IssueRow, IssueRow.id == PlacementRow.issue_id)
                .where(PlacementRow.article_id.in_(ids))
            ).all()
            if carried:
                listed = "、".join(f"#{a}（总第{t}期）" for a, t in carried)
                raise DraftError(f"已出版过：{listed}；请先把它们从草稿中撤下")
            self._retitle(session, row, issue.articles)
            issue_row = new_issue_row(issue)
            session.add(issue_row)
            for position, article in enumerate(issue.articles):
                issue_row.placements.append(
                    PlacementRow(
                        position=position, article_id=article.id, column=article.column, toc_page=article.toc_page
                    )
                )
            session.flush()
            row.status = DraftStatus.PUBLISHED.value
            row.issue_id = issue_row.id

    @staticmethod
    def _retitle(session: Session, draft: DraftRow, articles: Sequence[Article]) -> None:
        items = {item.article_id: item for item in draft.items}
        for article in articles:
            stored = session.get(ArticleRow, article.id)
            if stored is None:
                raise DraftError(f"文章 #{article.id} 已不在存储中")
            edited = (article.title, article.source, article.url, article.body)
            if (stored.title, stored.source, stored.url, article_from_row(stored).body) == edited:
                continue
            digest = article_hash(article)
            clash = session.scalar(select(ArticleRow.id).where(ArticleRow.content_hash == digest))
            if clash is not None and clash != stored.id:
                raise DraftError(f"#{article.id} 的新标题会使它与文章 #{clash} 完全相同")
            if article.id in items:
                items[article.id].original_title = stored.title
            stored.title, stored.source, stored.url = article.title, article.source, article.url
            stored.blocks = [block.model_dump(mode="json") for block in article.blocks]
            stored.content_hash = digest


def _fill_row(row: DraftRow, draft: Draft) -> None:
    row.series = draft.series
    row.number = draft.number
    row.total_number = draft.total_number
    row.date = draft.date
    row.window_from = draft.window_from
    row.window_to = draft.window_to
    row.cover_headline = draft.cover_headline
    row.cover_article_id = draft.cover_article_id
    row.status = draft.status.value
    row.numbering_reason = draft.numbering_reason
    row.items = [
        DraftItemRow(
            article_id=item.article_id,
            column=item.column,
            position=item.position,
            state=item.state.value,
            score=item.score,
            explanation=[part.model_dump(mode="json") for part in item.explanation],
            column_reason=item.column_reason,
            note=item.note,
            new_title=item.new_title,
            new_lead=item.new_lead,
            new_source=item.new_source,
            new_url=item.new_url,
            original_title=item.original_title,
        )
        for item in draft.items
    ]


def _draft_from_row(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        series=row.series,
        number=row.number,
        total_number=row.total_number,
        date=row.date,
        window_from=row.window_from,
        window_to=row.window_to,
        cover_headline=row.cover_headline,
        cover_article_id=row.cover_article_id,
        status=DraftStatus(row.status),
        numbering_reason=row.numbering_reason,
        items=[
            DraftItem(
                article_id=item.article_id,
                title=item.article.title,
                column=item.column,
                position=item.position,
                state=ItemState(item.state),
                score=item.score,
                explanation=[ScorePart.model_validate(part) for part in item.explanation],
                column_reason=item.column_reason,
                note=item.note,
                new_title=item.new_title,
                new_lead=item.new_lead,
                new_source=item.new_source,
                new_url=item.new_url,
                url=item.article.url,
                original_title=item.original_title,
                source=item.article.source,
                date=item.article.published,
            )
            for item in row.items
        ],
    )
