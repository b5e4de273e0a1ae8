"""Near-duplicates among the candidates of a draft: keep the best copy, drop the rest with a reason.

Groups come from the enrichment stage when it has run (``article.enrichment.duplicates``); otherwise
two candidates are the same story when their canonical links or their normalised bodies are equal.
A candidate that repeats an article some issue already published is dropped too. Within a group the
best source wins (government site, then official media), then the longer body, then the earlier date.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from policydigest.compose.signals import source_quality
from policydigest.ingest.links import canonical_url
from policydigest.model import Article
from policydigest.profile import SourcePoints

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dropped:
    """A candidate left out as a duplicate, and why."""

    article: Article
    reason: str


def duplicate_ids(article: Article) -> set[int]:
    """Ids of articles the enrichment stage says this one near-duplicates.

    The group's canonical article and the other members it was found similar to.

    >>> from policydigest.enrichment import Duplicates, Enrichment, SimilarArticle
    >>> found = Duplicates(group=3, similar=[SimilarArticle(id=3, jaccard=0.8), SimilarArticle(id=9, jaccard=0.7)])
    >>> sorted(duplicate_ids(Article(title="t", id=5, enrichment=Enrichment(duplicates=found))))
    [3, 9]
    """
    found = article.enrichment.duplicates
    if found is None:
        return set()
    ids = {similar.id for similar in found.similar} | ({found.group} if found.group is not None else set())
    return ids - {article.id}


def body_key(article: Article) -> str | None:
    """A hash of the body reduced to letters and digits; None for a body too short to tell.

    >>> body_key(Article(title="a", blocks=[])) is None
    True
    """
    text = "".join(ch for ch in unicodedata.normalize("NFKC", article.body) if ch.isalnum())
    if len(text) < 40:
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def _preference(article: Article) -> tuple[float, int, str]:
    quality, _ = source_quality(article, SourcePoints())  # only the order of sources matters here
    date = article.published.isoformat() if article.published else "9999"
    return (-quality, -len(article.body), date)


def _describe(article: Article) -> str:
    return f"#{article.id}（{article.source or '来源不详'}）"


def drop_duplicates(
    candidates: Sequence[Article], published: Mapping[str, int], published_ids: Mapping[int, int]
) -> tuple[list[Article], list[Dropped]]:
    """The candidates to rank and the ones dropped as duplicates.

    ``published`` maps canonical links and body keys of published articles to the 总期 that carried
    them; ``published_ids`` maps published article ids to that 总期.
    """
    by_id = {a.id: a for a in candidates if a.id is not None}
    parent: dict[int, int] = {i: i for i in by_id}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    seen: dict[str, int] = {}
    dropped: list[Dropped] = []
    already: set[int] = set()
    for article in candidates:
        if article.id is None:
            continue
        keys = [k for k in (canonical_url(article.url) if article.url else None, body_key(article)) if k]
        hit = next((published[k] for k in keys if k in published), None)
        twin = next((published_ids[i] for i in duplicate_ids(article) if i in published_ids), None)
        if hit is not None or twin is not None:
            dropped.append(Dropped(article, f"与总第{hit or twin}期已刊文章重复"))
            already.add(article.id)
            continue
        for other in duplicate_ids(article):
            if other in by_id:
                union(article.id, other)
        for key in keys:
            if key in seen:
                union(article.id, seen[key])
            else:
                seen[key] = article.id
    groups: dict[int, list[Article]] = {}
    for article in candidates:
        if article.id is not None and article.id not in already:
            groups.setdefault(find(article.id), []).append(article)
    kept: list[Article] = [a for a in candidates if a.id is None]
    for members in groups.values():
        best = min(members, key=_preference)
        kept.append(best)
        for member in members:
            if member is not best:
                log.info("article #%s duplicates #%s; keeping #%s", member.id, best.id, best.id)
                dropped.append(Dropped(member, f"与{_describe(best)}重复，保留来源更优者"))
    order = {id(a): i for i, a in enumerate(candidates)}
    kept.sort(key=lambda a: order[id(a)])
    return kept, dropped
