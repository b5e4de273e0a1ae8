"""Drafting the next issue: gather, drop duplicates, assign columns, rank, order, propose the cover, number.

>>> from policydigest.store import open_store
>>> from policydigest.profile import load_profile
>>> from policydigest.settings import Settings
>>> repo = DraftRepository(open_store("sqlite://"))
>>> make_draft(repo, load_profile(), Settings(), date=dt.date(2025, 3, 28)).items
[]
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from policydigest.compose.columns import assign_column
from policydigest.compose.dedup import drop_duplicates, duplicate_ids
from policydigest.compose.model import Draft, DraftItem, ItemState
from policydigest.compose.numbering import next_numbers
from policydigest.compose.rank import article_date, score_article
from policydigest.compose.repository import DraftRepository
from policydigest.errors import DraftError
from policydigest.model import Article, Block, BlockKind, Issue, TocEntry
from policydigest.profile import Profile, apply_profile
from policydigest.settings import Settings

log = logging.getLogger(__name__)


def candidate_item(article: Article, *, profile: Profile, date: dt.date, column: str | None = None) -> DraftItem:
    """A draft item for ``article``: its column (given, or assigned with a reason) and its explained score."""
    if article.id is None:
        raise DraftError(f"文章 {article.title!r} 未入库")
    reason = "编辑指定栏目"
    if column is None:
        column, reason = assign_column(article, profile)
    scored = score_article(article, column=column, issue_date=date, profile=profile)
    return DraftItem(
        article_id=article.id,
        title=article.title,
        column=column,
        position=0,
        score=scored.score,
        explanation=scored.parts,
        column_reason=reason,
        source=article.source,
        date=article_date(article),
    )


def order_columns(items: list[DraftItem], profile: Profile, max_per_column: int) -> None:
    """Rank each column's items best first; the ones past ``max_per_column`` become overflow."""
    by_column: dict[str, list[DraftItem]] = {}
    for item in items:
        if item.state in (ItemState.INCLUDED, ItemState.OVERFLOW):
            by_column.setdefault(item.column, []).append(item)
    for column_items in by_column.values():
        column_items.sort(key=lambda i: (-i.score, -(i.date or dt.date.min).toordinal(), i.article_id))
        for position, item in enumerate(column_items):
            item.position = position
            if position < max_per_column:
                item.state, item.note = ItemState.INCLUDED, ""
            else:
                item.state, item.note = ItemState.OVERFLOW, f"超出本栏上限（{max_per_column}篇）"


def propose_cover(draft: Draft, columns: list[str]) -> DraftItem | None:
    """The cover article: the best-ranked article of the first column that has any."""
    included = draft.included(columns)
    return included[0] if included else None


def make_draft(
    repo: DraftRepository,
    profile: Profile,
    settings: Settings,
    *,
    date: dt.date,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    max_per_column: int | None = None,
    number: int | None = None,
    total_number: int | None = None,
) -> Draft:
    """Draft the issue of ``date`` from the unpublished articles of the window, and store the draft."""
    window_to = date_to or date
    window_from = date_from or window_to - dt.timedelta(days=settings.draft_window_days)
    if window_from > window_to:
        raise DraftError(f"时间窗的开始（{window_from}）晚于结束（{window_to}）")
    quota = max_per_column or settings.draft_max_per_column
    series = profile.series.title
    numbering = next_numbers(repo.series_numbers(series), date, number=number, total_number=total_number)
    candidates = repo.candidates(window_from, window_to, series=series)
    referenced = {i for a in candidates for i in duplicate_ids(a)}
    published, published_ids = repo.published_keys(date, referenced)
    kept, dropped = drop_duplicates(candidates, published, published_ids)
    items = [candidate_item(a, profile=profile, date=date) for a in kept]
    order_columns(items, profile, quota)
    for gone in dropped:
        item = candidate_item(gone.article, profile=profile, date=date)
        item.state, item.note, item.position = ItemState.DUPLICATE, gone.reason, 10_000
        items.append(item)
    draft = Draft(
        series=series,
        number=numbering.number,
        total_number=numbering.total_number,
        date=date,
        window_from=window_from,
        window_to=window_to,
        numbering_reason=numbering.reason,
        items=items,
    )
    cover = propose_cover(draft, profile.column_names)
    if cover is not None:
        draft.cover_article_id, draft.cover_headline = cover.article_id, cover.printed_title
    else:
        log.warning("no unpublished articles dated %s to %s; the draft is empty", window_from, window_to)
    return repo.save(draft)


def edited_fields(article: Article, item: DraftItem) -> dict[str, object]:
    """What the issue prints of ``article`` for ``item``: column, and the editor's title, lead, source, link.

    >>> from policydigest.model import Block
    >>> a = Article(id=1, title="旧", blocks=[Block.paragraph("第一段"), Block.paragraph("第二段")])
    >>> i = DraftItem(article_id=1, title="旧", column="国策要论", position=0, new_lead="新导语")
    >>> [b.text for b in edited_fields(a, i)["blocks"]]
    ['新导语', '第二段']
    """
    fields: dict[str, object] = {"column": item.column, "title": item.printed_title}
    if item.new_source:
        fields["source"] = item.new_source
    if item.new_url:
        fields["url"] = item.new_url
    if item.new_lead:
        blocks = list(article.blocks)
        first = next((n for n, b in enumerate(blocks) if b.kind is BlockKind.PARAGRAPH), None)
        lead = Block.paragraph(item.new_lead)
        if first is None:
            blocks.insert(0, lead)
        else:
            blocks[first] = lead
        fields["blocks"] = blocks
    return fields


def draft_issue(draft: Draft, articles: Mapping[int, Article], profile: Profile) -> Issue:
    """The issue a draft describes, with the profile's masthead and back matter (pages not yet known)."""
    chosen: list[Article] = []
    for item in draft.included(profile.column_names):
        article = articles.get(item.article_id)
        if article is None:
            raise DraftError(f"草稿中的文章 #{item.article_id} 已不在存储中")
        chosen.append(article.model_copy(update=edited_fields(article, item)))
    issue = Issue(
        series=draft.series,
        number=draft.number,
        total_number=draft.total_number,
        date=draft.date,
        cover_headline=draft.cover_headline,
        toc=[TocEntry(column=a.column or "", title=a.title) for a in chosen],
        articles=chosen,
    )
    return apply_profile(issue, profile)
