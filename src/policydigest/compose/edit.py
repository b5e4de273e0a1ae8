"""An editor's changes to a draft: move, drop, add, set the cover, retitle, renumber.

Each function changes the draft in memory and returns a one-line account of what it did (Chinese,
for the editor); the caller stores the draft (``DraftRepository.save``) so an edit is all or nothing.

>>> import datetime as dt
>>> from policydigest.compose.model import Draft, DraftItem
>>> from policydigest.profile import load_profile
>>> d = Draft(series="数字经济观察", number=10, total_number=59, date=dt.date(2025, 3, 28),
...           window_from=dt.date(2025, 3, 14), window_to=dt.date(2025, 3, 28),
...           items=[DraftItem(article_id=1, title="甲", column="国策要论", position=0)])
>>> move(d, load_profile(), 1, "数谷动态")
'#1 移至数谷动态第1篇'
"""

from __future__ import annotations

import datetime as dt

from policydigest.compose.draft import candidate_item, propose_cover
from policydigest.compose.model import Draft, DraftItem, DraftStatus, ItemState
from policydigest.compose.numbering import next_numbers
from policydigest.compose.repository import DraftRepository
from policydigest.errors import DraftError
from policydigest.profile import Profile


def _open(draft: Draft) -> None:
    if draft.status is not DraftStatus.OPEN:
        raise DraftError(f"草稿总第{draft.total_number}期已出版，不能再改")


def _item(draft: Draft, article_id: int) -> DraftItem:
    item = draft.item(article_id)
    if item is None:
        raise DraftError(f"文章 #{article_id} 不在草稿总第{draft.total_number}期中（见 `draft show --all`）")
    return item


def _column(profile: Profile, column: str) -> str:
    if column not in profile.column_names:
        raise DraftError(f"没有栏目 {column!r}；出版配置中的栏目是 {'、'.join(profile.column_names)}")
    return column


def _column_items(draft: Draft, column: str) -> list[DraftItem]:
    return sorted(
        (i for i in draft.items if i.column == column and i.state is ItemState.INCLUDED), key=lambda i: i.position
    )


def _place(draft: Draft, item: DraftItem, column: str, position: int | None) -> int:
    """Put an included item into ``column`` at 1-based ``position`` (end when None); renumber both columns."""
    old_column = item.column
    item.column, item.state, item.note = column, ItemState.INCLUDED, ""
    others = [i for i in _column_items(draft, column) if i is not item]
    index = len(others) if position is None else max(0, min(position - 1, len(others)))
    others.insert(index, item)
    for n, each in enumerate(others):
        each.position = n
    if old_column != column:
        for n, each in enumerate(_column_items(draft, old_column)):
            each.position = n
    return index + 1


def _recover(draft: Draft, profile: Profile) -> str:
    """After the cover article left, propose another; returns what happened."""
    cover = propose_cover(draft, profile.column_names)
    if cover is None:
        draft.cover_article_id, draft.cover_headline = None, ""
        return "；封面标题已清空"
    draft.cover_article_id, draft.cover_headline = cover.article_id, cover.printed_title
    return f"；封面标题改为 #{cover.article_id}《{cover.printed_title}》"


def move(draft: Draft, profile: Profile, article_id: int, column: str, position: int | None = None) -> str:
    """Move an article to ``column`` (at 1-based ``position``, default last); it joins the issue if it was out."""
    _open(draft)
    item = _item(draft, article_id)
    at = _place(draft, item, _column(profile, column), position)
    item.column_reason = "编辑指定栏目"
    return f"#{article_id} 移至{column}第{at}篇"


def drop(draft: Draft, profile: Profile, article_id: int, reason: str = "") -> str:
    """Take an article out of the issue; it stays in the draft as dropped, with the reason."""
    _open(draft)
    item = _item(draft, article_id)
    if item.state is not ItemState.INCLUDED:
        raise DraftError(f"文章 #{article_id} 不在本期中（{item.note or item.state.value}）")
    item.state, item.note = ItemState.DROPPED, "编辑撤下" + (f"：{reason}" if reason else "")
    for n, each in enumerate(_column_items(draft, item.column)):
        each.position = n
    message = f"#{article_id} 已撤下"
    if draft.cover_article_id == article_id:
        message += _recover(draft, profile)
    return message


def add(
    draft: Draft,
    profile: Profile,
    repo: DraftRepository,
    article_id: int,
    column: str | None = None,
    position: int | None = None,
) -> str:
    """Bring an article into the issue: a left-out candidate, or any stored article no issue has published."""
    _open(draft)
    item = draft.item(article_id)
    if item is None:
        published = repo.is_published(article_id)
        if published is not None:
            raise DraftError(f"文章 #{article_id} 已在总第{published}期出版")
        article = repo.articles([article_id]).get(article_id)
        if article is None:
            raise DraftError(f"存储中没有文章 #{article_id}")
        item = candidate_item(article, profile=profile, date=draft.date, column=column and _column(profile, column))
        draft.items.append(item)
    elif item.state is ItemState.INCLUDED and column is None and position is None:
        raise DraftError(f"文章 #{article_id} 已在本期中（{item.column}）")
    target = _column(profile, column) if column else item.column
    if position is None:
        # Without a place given, the article goes where its score ranks it in the column.
        ranked = [i for i in _column_items(draft, target) if i is not item]
        position = 1 + sum(1 for i in ranked if i.score >= item.score)
    at = _place(draft, item, target, position)
    if column:
        item.column_reason = "编辑指定栏目"
    message = f"#{article_id} 加入{target}第{at}篇"
    if draft.cover_article_id is None:
        message += _recover(draft, profile)
    return message


def set_cover(draft: Draft, *, article_id: int | None = None, headline: str | None = None) -> str:
    """Set the cover headline: an article's printed title, or free text (or both: text for that article)."""
    _open(draft)
    if article_id is None and not (headline and headline.strip()):
        raise DraftError("请给出封面标题文字，或用 --article 指定一篇文章")
    if article_id is not None:
        item = _item(draft, article_id)
        if item.state is not ItemState.INCLUDED:
            raise DraftError(f"文章 #{article_id} 不在本期中，请先加入")
        draft.cover_article_id = article_id
        draft.cover_headline = headline.strip() if headline and headline.strip() else item.printed_title
    else:
        draft.cover_headline = (headline or "").strip()
    return f"封面标题：{draft.cover_headline}"


def retitle(draft: Draft, article_id: int, title: str) -> str:
    """Give an article a new title for this issue (applied to the stored article when published)."""
    _open(draft)
    title = " ".join(title.split())
    if not title:
        raise DraftError("新标题是空的")
    item = _item(draft, article_id)
    old = item.printed_title
    item.new_title = None if title == item.title else title
    message = f"#{article_id} 标题改为《{title}》"
    if draft.cover_article_id == article_id and draft.cover_headline == old:
        draft.cover_headline = title
        message += "（封面标题同步）"
    return message


def renumber(
    draft: Draft,
    repo: DraftRepository,
    *,
    number: int | None = None,
    total_number: int | None = None,
    date: dt.date | None = None,
) -> str:
    """Set 期, 总期 or the date by hand; what is not given follows the numbering rules again."""
    _open(draft)
    if date is not None:
        draft.date = date
    previous = repo.series_numbers(draft.series, exclude_draft=draft.id)
    try:
        numbering = next_numbers(previous, draft.date, number=number, total_number=total_number)
    except ValueError as exc:
        raise DraftError(str(exc)) from None
    draft.number, draft.total_number, draft.numbering_reason = (
        numbering.number,
        numbering.total_number,
        numbering.reason,
    )
    return f"{draft.date.year}年第{draft.number}期 总第{draft.total_number}期（{numbering.reason}）"


#: Longest title, source and lead an editor may give (a bulletin title is rarely over 40 characters).
MAX_TITLE, MAX_SOURCE, MAX_LEAD, MAX_URL = 200, 100, 2000, 2000


def edit_text(
    draft: Draft,
    article_id: int,
    *,
    title: str | None = None,
    lead: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> str:
    """Change the printed title, lead (first paragraph), source or original link of an article of the draft.

    A value equal to the stored one clears the editor's change; over-long text and links that are not
    http(s) are refused.

    >>> d = Draft(series="s", number=1, total_number=1, date=dt.date(2025, 1, 3), window_from=dt.date(2025, 1, 1),
    ...           window_to=dt.date(2025, 1, 3), items=[DraftItem(article_id=1, title="甲", column="c", position=0)])
    >>> edit_text(d, 1, url="javascript:alert(1)")
    Traceback (most recent call last):
    policydigest.errors.DraftError: 原文链接必须是 http(s) 地址
    """
    _open(draft)
    item = _item(draft, article_id)
    changed: list[str] = []
    if title is not None and " ".join(title.split()) != item.printed_title:
        if len(title) > MAX_TITLE:
            raise DraftError(f"标题超过 {MAX_TITLE} 个字")
        changed.append(retitle(draft, article_id, title))
    if lead is not None and lead.strip() != (item.new_lead or ""):
        if len(lead) > MAX_LEAD:
            raise DraftError(f"导语超过 {MAX_LEAD} 个字")
        item.new_lead = lead.strip() or None
        changed.append(f"#{article_id} 导语已修改")
    if source is not None and " ".join(source.split()) != (item.printed_source or ""):
        source = " ".join(source.split())
        if len(source) > MAX_SOURCE:
            raise DraftError(f"来源超过 {MAX_SOURCE} 个字")
        item.new_source = None if source == item.source else source
        changed.append(f"#{article_id} 来源改为“{source}”")
    if url is not None and url.strip() != (item.printed_url or ""):
        url = url.strip()
        bad = not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url)
        if url and (bad or len(url) > MAX_URL):
            raise DraftError("原文链接必须是 http(s) 地址")
        item.new_url = None if url == item.url else url or None
        changed.append(f"#{article_id} 原文链接已修改")
    return "；".join(changed) or f"#{article_id} 无改动"
