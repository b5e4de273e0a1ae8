"""Related policies of a document or an article, each with its reason.

Reasons, strongest first: the article announces the document (``announces``), the item follows this
one up or is followed up by it (``cited_by``, ``cites``), it continues the same named programme
(``programme``), it sets a target on the same metric for the same region (``targets``), its text is
near the same (``similar_text``: the MinHash neighbours the near-duplicates stage stored), or it names
the same documents (``shared_documents``).
An item is listed once, under its strongest reason. With ``vetted``, only what readers may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from policydigest.errors import NotFoundError
from policydigest.intel.followups import programme_names
from policydigest.intel.queries import DocumentView, vetted_views
from policydigest.store.articles import load_articles, vetted_sql
from policydigest.store.intel_schema import IntelDocumentRow, IntelFollowUpRow, IntelMentionRow, IntelTargetRow
from policydigest.store.schema import ArticleRow

Reason = Literal["announces", "cited_by", "cites", "programme", "targets", "similar_text", "shared_documents"]

#: Each reason as readers read it.
REASONS_ZH: dict[str, str] = {
    "announces": "本文发布",
    "cited_by": "落实或引用本件",
    "cites": "依据或提及",
    "programme": "同一专项行动",
    "targets": "相同目标（同一指标与地区）",
    "similar_text": "文本相似",
    "shared_documents": "提及相同文件",
}


class RelatedPolicy(BaseModel):
    """A document or article related to the one shown, and why."""

    kind: Literal["document", "article"]
    id: int
    title: str
    reason: Reason
    reason_zh: str = Field(description="The reason in Chinese.")
    detail: str | None = Field(default=None, description="What the two share: a metric and region, a document.")


class RelatedAnswer(BaseModel):
    """The related policies of one document or article."""

    kind: Literal["document", "article"]
    id: int
    items: list[RelatedPolicy]


class _Found:
    """Candidates collected per reason, in the order found; the first reason of an item wins."""

    def __init__(self, own: tuple[str, int | str]) -> None:
        self.own = own
        self.documents: dict[str, tuple[Reason, str | None]] = {}
        self.articles: dict[int, tuple[Reason, str | None]] = {}

    def document(self, key: str | None, reason: Reason, detail: str | None = None) -> None:
        if key and ("document", key) != self.own:
            self.documents.setdefault(key, (reason, detail))

    def article(self, article_id: int | None, reason: Reason, detail: str | None = None) -> None:
        if article_id is not None and ("article", article_id) != self.own:
            self.articles.setdefault(article_id, (reason, detail))


def _sentence(evidence: str, most: int = 80) -> str:
    """The evidence on one line, shortened.

    >>> _sentence("标题   正文很长" * 30, 10)
    '标题 正文很长标题…'
    """
    line = " ".join(evidence.split())
    return line if len(line) <= most else line[: most - 1] + "…"


def _shown_ids(session: Session, ids: Iterable[int], vetted: bool) -> dict[int, str]:
    query = select(ArticleRow.id, ArticleRow.title).where(ArticleRow.id.in_(list(ids)))
    if vetted:
        query = query.where(vetted_sql())
    return {article_id: title for article_id, title in session.execute(query)}


def _resolve(session: Session, found: _Found, vetted: bool, limit: int) -> list[RelatedPolicy]:
    """The candidates readers may see, strongest reason first, as models."""
    keys = list(found.documents)
    if vetted:
        names = {key: (v.id, v.name) for key, v in vetted_views(session, keys).items()}
    else:
        rows = session.execute(
            select(IntelDocumentRow.key, IntelDocumentRow.id, IntelDocumentRow.name).where(
                IntelDocumentRow.key.in_(keys)
            )
        )
        names = {key: (document_id, name) for key, document_id, name in rows}
    titles = _shown_ids(session, found.articles, vetted)
    items = [
        RelatedPolicy(
            kind="document", id=names[key][0], title=names[key][1], reason=reason, reason_zh=REASONS_ZH[reason],
            detail=detail,
        )
        for key, (reason, detail) in found.documents.items()
        if key in names
    ] + [
        RelatedPolicy(
            kind="article", id=article_id, title=titles[article_id], reason=reason, reason_zh=REASONS_ZH[reason],
            detail=detail,
        )
        for article_id, (reason, detail) in found.articles.items()
        if article_id in titles
    ]
    order = list(REASONS_ZH)
    return sorted(items, key=lambda item: order.index(item.reason))[:limit]


def _programme_peers(session: Session, found: _Found, keys: Iterable[str]) -> None:
    """Documents continuing the same named programme as any of ``keys``."""
    for name in programme_names(keys):
        prefix = f"”{name}”"
        named = IntelDocumentRow.key.startswith(prefix, autoescape=True)
        for (other,) in session.execute(select(IntelDocumentRow.key).where(named)):
            found.document(other, "programme", name)
        for article_id in session.scalars(
            select(IntelFollowUpRow.article_id).where(
                IntelFollowUpRow.parent_key.startswith(prefix, autoescape=True),
                IntelFollowUpRow.relation == "continues_programme",
            )
        ):
            found.article(article_id, "programme", name)


def _same_targets(session: Session, found: _Found, article_ids: list[int]) -> None:
    """Articles (or the documents they announce) setting targets on the same metric for the same region."""
    pairs = {
        (metric, region)
        for metric, region in session.execute(
            select(IntelTargetRow.metric, IntelTargetRow.region).where(
                IntelTargetRow.article_id.in_(article_ids), IntelTargetRow.region.is_not(None)
            )
        )
    }
    if not pairs:
        return
    rows = session.execute(
        select(IntelTargetRow.article_id, IntelTargetRow.metric, IntelTargetRow.region).where(
            tuple_(IntelTargetRow.metric, IntelTargetRow.region).in_(sorted(pairs)),
            IntelTargetRow.article_id.not_in(article_ids),
        )
    )
    for article_id, metric, region in rows:
        found.article(article_id, "targets", f"{metric}（{region}）")


def _similar_text(session: Session, found: _Found, article_ids: list[int]) -> None:
    for stored in load_articles(session, article_ids):
        duplicates = stored.article.enrichment.duplicates
        for similar in duplicates.similar if duplicates else []:
            found.article(similar.id, "similar_text", f"相似度 {similar.jaccard:.0%}" if similar.jaccard else None)


def _shared_documents(session: Session, found: _Found, keys: list[str], article_ids: list[int]) -> None:
    """Documents named in the same articles, and other articles naming the same documents."""
    for (other,) in session.execute(
        select(IntelMentionRow.key).where(IntelMentionRow.article_id.in_(article_ids)).distinct()
    ):
        found.document(other, "shared_documents", "同篇文章提及")
    for article_id, name in session.execute(
        select(IntelMentionRow.article_id, IntelMentionRow.name)
        .where(IntelMentionRow.key.in_(keys), IntelMentionRow.article_id.not_in(article_ids))
        .order_by(IntelMentionRow.date.desc())
        .limit(50)
    ):
        found.article(article_id, "shared_documents", f"《{name}》")


def related_to_document(
    session: Session, document: DocumentView, *, vetted: bool = False, limit: int = 12
) -> list[RelatedPolicy]:
    """Documents and articles related to a document, each with its reason.

    >>> from policydigest.store import open_store
    >>> view = DocumentView(1, "x", None, None, None, None, [], None, [], None, None, 0)
    >>> related_to_document(open_store("sqlite://").session(), view)
    []
    """
    row = session.get(IntelDocumentRow, document.id)
    if row is None:
        return []
    key, found = row.key, _Found(("document", row.key))
    followers = select(IntelFollowUpRow).where(IntelFollowUpRow.parent_key == key)
    for link in session.scalars(followers.order_by(IntelFollowUpRow.date)):
        found.document(link.child_key, "cited_by")
        if link.child_key is None:
            found.article(link.article_id, "cited_by", _sentence(link.evidence))
    for parent in session.scalars(select(IntelFollowUpRow.parent_key).where(IntelFollowUpRow.child_key == key)):
        found.document(parent, "cites")
    _programme_peers(session, found, [key])
    announcing = [document.announcing_article_id] if document.announcing_article_id else []
    _same_targets(session, found, announcing)
    _similar_text(session, found, announcing)
    _shared_documents(session, found, [key], document.article_ids)
    for article_id in document.article_ids:
        found.articles.pop(article_id, None)  # already listed on the page as the articles naming it
    return _resolve(session, found, vetted, limit)


def related_to_article(
    session: Session, article_id: int, *, vetted: bool = False, limit: int = 12
) -> list[RelatedPolicy]:
    """Documents and articles related to an article, each with its reason; raises :class:`NotFoundError`.

    >>> from policydigest.store import open_store
    >>> related_to_article(open_store("sqlite://").session(), 7)
    Traceback (most recent call last):
    policydigest.errors.NotFoundError: 没有编号为 7 的文章
    """
    if article_id not in _shown_ids(session, [article_id], vetted):
        raise NotFoundError(f"没有编号为 {article_id} 的文章")
    found = _Found(("article", article_id))
    mentions = list(
        session.execute(
            select(IntelMentionRow.key, IntelMentionRow.announces).where(IntelMentionRow.article_id == article_id)
        )
    )
    keys = [key for key, _ in mentions]
    announced = [key for key, announces in mentions if announces]
    parents = select(IntelFollowUpRow.parent_key).where(IntelFollowUpRow.article_id == article_id)
    for key in announced:
        found.document(key, "announces")
    for parent in session.scalars(parents):
        found.document(parent, "cites")
    for link in session.scalars(select(IntelFollowUpRow).where(IntelFollowUpRow.parent_key.in_(announced))):
        found.article(link.article_id, "cited_by", _sentence(link.evidence))
    for key in keys:
        found.document(key, "cites")
    _programme_peers(session, found, keys)
    _same_targets(session, found, [article_id])
    _similar_text(session, found, [article_id])
    _shared_documents(session, found, keys, [article_id])
    return _resolve(session, found, vetted, limit)
