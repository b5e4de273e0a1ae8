"""Reading the intelligence tables: documents, a document's follow-ups, targets, and a side-by-side comparison.

Errors are the project's: an unknown id or a name matching nothing is a :class:`NotFoundError`, a
comparison of fewer than 2 or more than 4 items a :class:`BadInputError`; messages are Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policydigest.errors import BadInputError, NotFoundError
from policydigest.intel.build import fill_document
from policydigest.intel.documents import document_key
from policydigest.intel.followups import LEVEL_RANK
from policydigest.model import BlockKind
from policydigest.store.articles import load_articles, vetted_sql
from policydigest.store.intel_schema import IntelDocumentRow, IntelFollowUpRow, IntelMentionRow, IntelTargetRow
from policydigest.store.schema import ArticleRow

#: How many items a comparison takes.
COMPARE_MIN, COMPARE_MAX = 2, 4


@dataclass(frozen=True)
class DocumentView:
    """A document as lists and pages show it."""

    id: int
    name: str
    kind: str | None
    status: str | None
    level: str | None
    region: str | None
    issuers: list[str]
    government: str | None
    aliases: list[str]
    first_seen: str | None
    announcing_article_id: int | None
    mentions: int
    article_ids: list[int] = field(default_factory=list)


def _view(row: IntelDocumentRow, article_ids: list[int] | None = None) -> DocumentView:
    return DocumentView(
        id=row.id,
        name=row.name,
        kind=row.kind,
        status=row.status,
        level=row.level,
        region=row.region,
        issuers=list(row.issuers or []),
        government=row.government,
        aliases=list(row.aliases or []),
        first_seen=row.first_seen.isoformat() if row.first_seen else None,
        announcing_article_id=row.announcing_article_id,
        mentions=row.mentions,
        article_ids=article_ids or [],
    )


def list_documents(
    session: Session,
    *,
    level: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    vetted: bool = False,
) -> list[DocumentView]:
    """Every document, most mentioned first, optionally of one level, region or kind.

    ``vetted``: built from the articles readers may see only (:func:`~policydigest.store.articles.vetted_sql`).

    >>> from policydigest.store import open_store
    >>> list_documents(open_store("sqlite://").session(), vetted=True)
    []
    """
    if vetted:
        views = [
            v
            for v in vetted_views(session).values()
            if all(value in (None, "", have) for value, have in ((level, v.level), (region, v.region), (kind, v.kind)))
        ]
        views.sort(key=lambda v: v.id)
        views.sort(key=lambda v: v.first_seen or "", reverse=True)
        return sorted(views, key=lambda v: -v.mentions)
    query = select(IntelDocumentRow).order_by(
        IntelDocumentRow.mentions.desc(), IntelDocumentRow.first_seen.desc(), IntelDocumentRow.id
    )
    for column, value in (
        (IntelDocumentRow.level, level),
        (IntelDocumentRow.region, region),
        (IntelDocumentRow.kind, kind),
    ):
        if value:
            query = query.where(column == value)
    rows = list(session.scalars(query))
    mentioned: dict[str, list[int]] = {}
    keys = [row.key for row in rows]
    for start in range(0, len(keys), 500):
        chunk = select(IntelMentionRow.key, IntelMentionRow.article_id).where(
            IntelMentionRow.key.in_(keys[start : start + 500])
        )
        for key, article_id in session.execute(chunk.order_by(IntelMentionRow.article_id)):
            mentioned.setdefault(key, []).append(article_id)
    return [_view(row, mentioned.get(row.key, [])) for row in rows]


def vetted_views(session: Session, keys: list[str] | None = None) -> dict[str, DocumentView]:
    """Documents (all, or those with these keys) as readers see them: grouped from vetted articles' mentions only.

    A document named only in unvetted articles is absent; one also named in them keeps no trace of
    them (its first date, announcing article and counts come from the vetted ones).

    >>> from policydigest.store import open_store
    >>> vetted_views(open_store("sqlite://").session(), ["k"])
    {}
    """
    query = (
        select(IntelMentionRow, IntelDocumentRow.id)
        .join(IntelDocumentRow, IntelDocumentRow.key == IntelMentionRow.key)
        .where(vetted_sql(IntelMentionRow.article_id))
        .order_by(IntelMentionRow.date.is_(None), IntelMentionRow.date, IntelMentionRow.article_id)
    )
    if keys is not None:
        query = query.where(IntelMentionRow.key.in_(keys))
    grouped: dict[str, tuple[int, list[IntelMentionRow]]] = {}
    for mention, document_id in session.execute(query):
        grouped.setdefault(mention.key, (document_id, []))[1].append(mention)
    views = {}
    for key, (document_id, mentions) in grouped.items():
        row = IntelDocumentRow(id=document_id, key=key)
        fill_document(row, mentions)
        views[key] = _view(row, sorted(m.article_id for m in mentions))
    return views


def find_document(session: Session, name_or_id: str, *, vetted: bool = False) -> DocumentView:
    """The document with this id, name, alias or (unique best) part of a name; raises :class:`NotFoundError`.

    With ``vetted``, a document named in no article readers may see is not found either.

    >>> from policydigest.store import open_store
    >>> find_document(open_store("sqlite://").session(), "42")
    Traceback (most recent call last):
    policydigest.errors.NotFoundError: 没有编号为 42 的政策文件
    """
    text = name_or_id.strip().strip("《》")
    if re.fullmatch(r"[dD]?\d{1,9}", text):
        found = session.get(IntelDocumentRow, int(text.lstrip("dD")))
        rows = [found] if found else []
        missing = f"没有编号为 {text} 的政策文件"
    else:
        key = document_key(text)
        if not key:
            raise NotFoundError("文件名称为空")
        exact = session.scalar(select(IntelDocumentRow).where(IntelDocumentRow.key == key))
        rows = [exact] if exact else [
            d
            for d in session.scalars(select(IntelDocumentRow).order_by(IntelDocumentRow.mentions.desc()))
            if key in d.key or key in (d.aliases or [])
        ]
        missing = f"没有名称包含“{text}”的政策文件"
    if vetted:
        views = vetted_views(session, [row.key for row in rows])
        shown = [views[row.key] for row in rows if row.key in views]
        if not shown:
            raise NotFoundError(missing)
        return shown[0]
    if not rows:
        raise NotFoundError(missing)
    row = rows[0]
    ids = sorted(session.scalars(select(IntelMentionRow.article_id).where(IntelMentionRow.key == row.key)))
    return _view(row, ids)


@dataclass(frozen=True)
class FollowUpView:
    """An article following up a document, as ``follow-ups --json`` lists it."""

    article_id: int
    title: str
    region: str | None
    level: str | None
    relation: str
    evidence: str
    lag_days: int | None


def follow_ups_of(session: Session, document: DocumentView, *, vetted: bool = False) -> list[FollowUpView]:
    """The articles following up a document, earliest first: only from a lower level than the document's
    (with ``vetted``, only articles readers may see)."""
    query = (
        select(IntelFollowUpRow, ArticleRow.title)
        .join(ArticleRow, ArticleRow.id == IntelFollowUpRow.article_id)
        .where(IntelFollowUpRow.parent_key == _key(session, document.id))
        .order_by(IntelFollowUpRow.date.is_(None), IntelFollowUpRow.date, IntelFollowUpRow.article_id)
    )
    if vetted:
        query = query.where(vetted_sql(IntelFollowUpRow.article_id))
    rows = session.execute(query).all()
    parent_rank = LEVEL_RANK.get(document.level or "", None)
    first = dt.date.fromisoformat(document.first_seen) if document.first_seen else None
    found = []
    for link, title in rows:
        rank = LEVEL_RANK.get(link.level or "", None)
        if parent_rank is None or rank is None or rank <= parent_rank:
            continue
        lag = (link.date - first).days if link.date and first else None
        if lag is not None and lag < 0:
            lag = None  # the follow-up predates the first article naming the document: its date is unknown
        found.append(FollowUpView(link.article_id, title, link.region, link.level, link.relation, link.evidence, lag))
    return found


def _key(session: Session, document_id: int) -> str:
    row = session.get(IntelDocumentRow, document_id)
    assert row is not None, "the document was just read"
    return row.key


@dataclass(frozen=True)
class TargetView:
    """A target, as ``targets --json`` lists it."""

    text: str
    metric: str
    value: float
    value_max: float | None
    unit: str
    year: int | None
    deadline: str | None
    region: str | None
    issuer: str | None
    document: str | None
    article_id: int
    comparator: str


def list_targets(
    session: Session,
    *,
    region: str | None = None,
    due_before: dt.date | None = None,
    issuer: str | None = None,
    article_id: int | None = None,
    limit: int | None = None,
    vetted: bool = False,
) -> list[TargetView]:
    """Targets, soonest deadline first; ``region`` matches a prefix (贵州 → 贵州省); ``vetted``: of articles
    readers may see only.

    >>> from policydigest.store import open_store
    >>> list_targets(open_store("sqlite://").session(), region="贵州")
    []
    """
    query = select(IntelTargetRow).order_by(
        IntelTargetRow.deadline.is_(None), IntelTargetRow.deadline, IntelTargetRow.article_id, IntelTargetRow.start
    )
    if region:
        query = query.where(IntelTargetRow.region.startswith(region.strip(), autoescape=True))
    if due_before:
        query = query.where(IntelTargetRow.deadline < due_before)
    if issuer:
        query = query.where(IntelTargetRow.issuer.contains(issuer.strip(), autoescape=True))
    if article_id is not None:
        query = query.where(IntelTargetRow.article_id == article_id)
    if vetted:
        query = query.where(vetted_sql(IntelTargetRow.article_id))
    if limit:
        query = query.limit(limit)
    return [
        TargetView(
            t.text,
            t.metric,
            t.value,
            t.value_max,
            t.unit,
            t.year,
            t.deadline.isoformat() if t.deadline else None,
            t.region,
            t.issuer,
            t.document,
            t.article_id,
            t.comparator,
        )
        for t in session.scalars(query)
    ]


def compare(session: Session, ids: list[str], *, vetted: bool = False) -> dict[str, Any]:
    """2–4 documents (``d12``) or articles (``12``) side by side, targets aligned by metric (``vetted``: of
    what readers may see only).

    >>> from policydigest.store import open_store
    >>> compare(open_store("sqlite://").session(), [str(n) for n in range(10)])
    Traceback (most recent call last):
    policydigest.errors.BadInputError: 一次只能比较 2–4 项，收到 10 项
    """
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        raise BadInputError(f"一次只能比较 {COMPARE_MIN}–{COMPARE_MAX} 项，收到 {len(ids)} 项")
    items = [_item(session, raw, vetted) for raw in ids]
    metrics = sorted({t["metric"] for item in items for t in item["targets"]})
    aligned = [
        {"metric": m, "values": [next((t for t in item["targets"] if t["metric"] == m), None) for item in items]}
        for m in metrics
    ]
    return {"items": items, "targets": aligned}


def _item(session: Session, raw: str, vetted: bool) -> dict[str, Any]:
    text = raw.strip()
    if re.fullmatch(r"[dD]\d{1,9}", text):
        document = find_document(session, text, vetted=vetted)
        article_id = document.announcing_article_id or (document.article_ids[0] if document.article_ids else None)
        head: dict[str, Any] = {"id": f"d{document.id}", "kind": "document", "document": asdict(document)}
    elif re.fullmatch(r"[aA]?\d{1,9}", text):
        article_id, head = int(text.lstrip("aA")), {"id": text.lstrip("aA"), "kind": "article"}
    else:
        raise BadInputError(f"无法识别的编号“{text}”：文章用数字（如 12），文件用 d 加数字（如 d3）")
    if vetted and article_id is not None:
        shown = session.scalar(select(ArticleRow.id).where(ArticleRow.id == article_id, vetted_sql()))
        article_id = shown
    stored = load_articles(session, [article_id]) if article_id is not None else []
    if not stored:
        raise NotFoundError(f"没有编号为 {text} 的文章")
    article = stored[0].effective()
    facts = article.enrichment.facts
    targets = list_targets(session, article_id=article.id, vetted=vetted)
    return {
        **head,
        "article_id": article.id,
        "title": article.title,
        "date": article.published.isoformat() if article.published else None,
        "issuers": head["document"]["issuers"]
        if "document" in head
        else [a.name for a in facts.authorities]
        if facts
        else [],
        "regions": [r.name for r in facts.regions] if facts else [],
        "money": [m.text for m in facts.money] if facts else [],
        "measures": [b.text for b in article.blocks if b.kind is BlockKind.HEADING],
        "targets": [asdict(t) for t in targets],
    }
