"""Build the intelligence tables from stored articles; a rebuild redoes only articles that changed.

Per article, its mentions, follow-ups and targets are replaced in one transaction; then the
documents those mentions touch are regrouped. Articles gone from the store lose their rows with
them (``ON DELETE CASCADE``; the documents are regrouped on the next build).

Writers keep the tables current, readers never build: ``attach_intel`` makes every commit that
changed articles (import, enrichment, ingest, the desk) build the changes since the last build
before the writer goes on; pages only read, and say so when the build is behind the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from policydigest.intel.documents import Mention, article_place, document_mentions
from policydigest.intel.followups import (
    FollowUp,
    follow_ups,
    own_words,
    programme_links,
    programme_names,
    quoted_names,
)
from policydigest.intel.state import FOLLOW_OVERLAP, behind, exclusive, read_state, record_state
from policydigest.intel.targets import normalise
from policydigest.store import Store
from policydigest.store.articles import StoredArticle
from policydigest.store.intel_schema import (
    IntelBuiltRow,
    IntelDocumentRow,
    IntelFollowUpRow,
    IntelMentionRow,
    IntelTargetRow,
)
from policydigest.store.schema import ArticleRow

log = logging.getLogger(__name__)

#: Bumped when the rules change, so that the next build redoes every article.
VERSION = "2"


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    articles: int
    rebuilt: int
    documents: int
    follow_ups: int
    targets: int


def fingerprint(stored: StoredArticle) -> str:
    """What an article's intelligence depends on: its text, date and facts (and the rules' version)."""
    article = stored.article
    facts = article.enrichment.facts
    payload = [VERSION, article.title, article.body, str(stored.date), facts.model_dump(mode="json") if facts else None]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def build_intel(store: Store, *, full: bool = False, batch: int = 500) -> BuildReport:
    """Bring the intelligence tables up to date with the store (``full`` redoes every article).

    >>> from policydigest.store import open_store
    >>> build_intel(open_store("sqlite://"))
    BuildReport(articles=0, rebuilt=0, documents=0, follow_ups=0, targets=0)
    """
    with exclusive(store):
        start = store.changes.latest()  # read first: a change committed during the build is built next time
        seen, rebuilt = _build(store, None, full=full, batch=batch)
        record_state(store, start, VERSION)
    with store.session() as session:
        counts = [
            session.scalar(select(func.count()).select_from(t)) or 0
            for t in (IntelDocumentRow, IntelFollowUpRow, IntelTargetRow)
        ]
    return BuildReport(seen, rebuilt, *counts)


def update_intel(store: Store, *, batch: int = 500) -> int:
    """Build the articles changed since the last build, by any process; how many were redone.

    The first time (or under new rules) every article is looked at.

    >>> from policydigest.store import open_store
    >>> update_intel(open_store("sqlite://"))
    0
    """
    with exclusive(store):
        state = read_state(store)
        if state is None or state.version != VERSION:
            start = store.changes.latest()
            rebuilt = _build(store, None, full=False, batch=batch)[1]
            record_state(store, start, VERSION)
            return rebuilt
        ids, cursor = store.changes.since(state.change, overlap=FOLLOW_OVERLAP)
        rebuilt = _build(store, ids, full=False, batch=batch)[1] if ids else 0
        if cursor != state.change:
            record_state(store, cursor, VERSION)
        return rebuilt


def intel_behind(store: Store) -> bool:
    """Whether the store changed since the tables were built (what a page tells its reader).

    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> intel_behind(store), update_intel(store), intel_behind(store)
    (True, 0, False)
    """
    return behind(store, VERSION)


class IntelBuilder:
    """The change listener ``attach_intel`` adds: after a commit, the writer builds what changed."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, _ids: frozenset[int]) -> None:
        # The feed, not just these ids: changes of writers without a builder are caught up too.
        update_intel(self.store)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntelBuilder) and other.store is self.store

    def __hash__(self) -> int:
        return id(self.store)


def attach_intel(store: Store) -> None:
    """Keep the intelligence tables current after every write through ``store`` (once per store).

    >>> from policydigest.model import Article, Issue
    >>> from policydigest.store import open_store
    >>> store = open_store("sqlite://")
    >>> attach_intel(store); attach_intel(store)
    >>> _ = store.save_issue(Issue(series="s", number=1, total_number=1, date=dt.date(2025, 1, 1),
    ...                            articles=[Article(title="t")]))
    >>> intel_behind(store)
    False
    """
    store.changes.subscribe(IntelBuilder(store))


def _build(store: Store, ids: Collection[int] | None, *, full: bool, batch: int) -> tuple[int, int]:
    """Redo the changed articles among ``ids`` (None: every article); (articles seen, articles redone)."""
    programmes = _programmes(store)
    pending: list[_Pending] = []
    seen, redone, touched, gone = _pass(store, programmes, pending, ids, full=full, batch=batch)
    if (found := _programmes(store)) != programmes:
        # Programmes first named in this build: link the articles of this build that continue them,
        # and look again at the articles built before.
        new = {name: key for name, key in found.items() if name not in programmes}
        with store.write_session() as session, session.begin():
            for item in pending:
                for link in programme_links(item.quoted, new, item.named, item.child):
                    session.add(item.row(link))
        if ids is not None or len(redone) < seen:
            _, again, more, _ = _pass(store, found, [], None, full=True, batch=batch, skip=redone)
            redone, touched = redone | again, touched | more
    with store.write_session() as session, session.begin():
        if gone or ids is None:
            # Articles deleted since: their mentions went with them (cascade), so their documents are found here.
            stale = select(IntelDocumentRow.key).where(IntelDocumentRow.key.not_in(select(IntelMentionRow.key)))
            touched |= set(session.scalars(stale))
        _regroup(session, touched)
    log.info("intel built: %d of %d articles redone, %d documents touched", len(redone), seen, len(touched))
    return seen, len(redone)


def _programmes(store: Store) -> dict[str, str]:
    with store.session() as session:
        keys = session.scalars(select(IntelMentionRow.key).where(IntelMentionRow.level == "national").distinct())
        return programme_names(keys)


@dataclass(frozen=True)
class _Pending:
    """What an article's programme links need once every programme of the build is known."""

    article_id: int
    quoted: dict[str, str]
    named: set[str]
    child: str | None
    level: str | None
    region: str | None
    date: dt.date | None

    def row(self, link: FollowUp) -> IntelFollowUpRow:
        return IntelFollowUpRow(
            article_id=self.article_id,
            parent_key=link.parent_key,
            child_key=link.child_key,
            relation=link.relation,
            evidence=link.evidence[:1000],
            level=self.level,
            region=self.region,
            date=self.date,
        )


def _pass(
    store: Store,
    programmes: dict[str, str],
    pending: list[_Pending],
    ids: Collection[int] | None,
    *,
    full: bool,
    batch: int,
    skip: frozenset[int] | set[int] = frozenset(),
) -> tuple[int, set[int], set[str], bool]:
    """One pass over the store, or over ``ids``: (articles seen, ids redone, document keys touched, any id gone)."""
    seen = 0
    redone: set[int] = set()
    touched: set[str] = set()
    for stored_batch in store.iter_stored_articles(batch) if ids is None else _batches(store, ids, batch):
        seen += len(stored_batch)
        with store.session() as session:
            query = select(IntelBuiltRow.article_id, IntelBuiltRow.fingerprint).where(
                IntelBuiltRow.article_id.in_([s.id for s in stored_batch])
            )
            built = {article_id: digest for article_id, digest in session.execute(query)}
        changed = [
            (s, fp) for s in stored_batch if s.id not in skip and ((fp := fingerprint(s)) != built.get(s.id) or full)
        ]
        if not changed:
            continue
        with store.write_session() as session, session.begin():
            touched |= _replace(session, changed, programmes, pending)
        redone.update(s.id for s, _ in changed)
    return seen, redone, touched, ids is not None and seen < len(set(ids))


def _batches(store: Store, ids: Collection[int], batch: int) -> Iterator[list[StoredArticle]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), batch):
        yield store.stored_articles(wanted[start : start + batch])


def _replace(
    session: Session, changed: list[tuple[StoredArticle, str]], programmes: dict[str, str], pending: list[_Pending]
) -> set[str]:
    """Replace the rows of these articles; the document keys whose grouping may have changed."""
    ids = [s.id for s, _ in changed]
    touched = set(session.scalars(select(IntelMentionRow.key).where(IntelMentionRow.article_id.in_(ids))))
    for table in (IntelMentionRow, IntelFollowUpRow, IntelTargetRow, IntelBuiltRow):
        session.execute(delete(table).where(table.article_id.in_(ids)))
    for stored, digest in changed:
        session.add(IntelBuiltRow(article_id=stored.id, fingerprint=digest))
        facts = stored.article.enrichment.facts
        if facts is None:
            continue
        article = stored.article
        text = f"{article.title}\n{article.body}"
        mentions = document_mentions(article.title, article.body, facts)
        announced = next((m for m in mentions if m.announces), None)
        level, region = article_place(facts, announced)
        for m in mentions:
            touched.add(m.key)
            session.add(_mention_row(stored, m))
        links = follow_ups(text, mentions, programmes)
        item = _Pending(
            stored.id,
            quoted_names(own_words(text, mentions)),
            {m.key for m in mentions} | {link.parent_key for link in links},
            announced.key if announced else None,
            level,
            region,
            stored.date,
        )
        session.add_all(item.row(link) for link in links)
        if item.quoted:
            pending.append(item)
        issuer = announced.issuers[0].name if announced and announced.issuers else None
        for fact in facts.targets:
            t = normalise(text, fact)
            session.add(
                IntelTargetRow(
                    article_id=stored.id,
                    text=t.text,
                    metric=t.metric,
                    comparator=t.comparator,
                    value=t.value,
                    value_max=t.value_max,
                    unit=t.unit,
                    year=t.year,
                    deadline=t.deadline,
                    region=t.region or region,
                    issuer=issuer,
                    document=announced.name if announced else None,
                    start=t.start,
                    end=t.end,
                )
            )
    return touched


def _mention_row(stored: StoredArticle, m: Mention) -> IntelMentionRow:
    return IntelMentionRow(
        article_id=stored.id,
        key=m.key,
        name=m.name,
        kind=m.kind,
        status=m.status,
        announces=m.announces,
        level=m.level,
        region=m.region,
        issuers=[i.name for i in m.issuers],
        government=next((i.government for i in m.issuers if i.government), None),
        aliases=m.aliases,
        date=stored.date,
    )


def _regroup(session: Session, keys: Iterable[str]) -> None:
    """Recompute the documents with these keys from their mentions (a key with none is removed)."""
    keys = sorted(set(keys))
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.scalars(
            select(IntelMentionRow)
            .join(ArticleRow, ArticleRow.id == IntelMentionRow.article_id)
            .where(IntelMentionRow.key.in_(chunk))
            .order_by(IntelMentionRow.date.is_(None), IntelMentionRow.date, IntelMentionRow.article_id)
        ).all()
        grouped: dict[str, list[IntelMentionRow]] = {}
        for row in rows:
            grouped.setdefault(row.key, []).append(row)
        existing = {d.key: d for d in session.scalars(select(IntelDocumentRow).where(IntelDocumentRow.key.in_(chunk)))}
        for key in chunk:
            mentions = grouped.get(key)
            document = existing.get(key)
            if not mentions:
                if document is not None:
                    session.delete(document)
                continue
            if document is None:
                document = IntelDocumentRow(key=key)
                session.add(document)
            fill_document(document, mentions)


def fill_document(document: IntelDocumentRow, mentions: list[IntelMentionRow]) -> None:
    """A document's fields from its mentions (earliest first): from the announcing one, else the earliest.

    >>> row = IntelDocumentRow(key="k")
    >>> fill_document(row, [IntelMentionRow(name="《甲》", announces=True, article_id=3, issuers=[], aliases=[])])
    >>> row.name, row.announcing_article_id, row.mentions
    ('《甲》', 3, 1)
    """
    announcing = next((m for m in mentions if m.announces), None)
    source = announcing or mentions[0]
    document.name = source.name
    document.kind = source.kind
    document.status = next((m.status for m in mentions if m.status), None)
    document.level = source.level or next((m.level for m in mentions if m.level), None)
    document.region = source.region or next((m.region for m in mentions if m.region), None)
    document.issuers = list(source.issuers) if announcing else []
    document.government = source.government if announcing else None
    document.aliases = sorted({a for m in mentions for a in m.aliases} | ({m.name for m in mentions} - {source.name}))
    document.first_seen = next((m.date for m in mentions if m.date), None)
    document.announcing_article_id = announcing.article_id if announcing else None
    document.mentions = len(mentions)
