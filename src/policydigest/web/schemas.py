"""What the JSON API answers (response models; they make the OpenAPI description), and paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Query as Param
from fastapi import Request
from pydantic import BaseModel, Field

from policydigest.model import Block, TocEntry
from policydigest.search import FacetCount, SearchHit

MAX_LIMIT = 100
MAX_OFFSET = 10_000


class Paging(BaseModel):
    """Which slice of a list: ``limit`` items after skipping ``offset``."""

    limit: int
    offset: int


def paging(
    limit: Annotated[int, Param(ge=1, le=MAX_LIMIT, description="Items per page (1–100).")] = 20,
    offset: Annotated[int, Param(ge=0, le=MAX_OFFSET, description="Items to skip (0–10000).")] = 0,
) -> Paging:
    """The paging parameters of a list request (a FastAPI dependency)."""
    return Paging(limit=limit, offset=offset)


def next_url(request: Request, page: Paging, total: int) -> str | None:
    """The URL of the next page, or None on the last one."""
    following = page.offset + page.limit
    if following >= total or following > MAX_OFFSET:
        return None
    return str(request.url.include_query_params(offset=following, limit=page.limit))


class ListMeta(BaseModel):
    """Paging facts of a list answer."""

    total: int = Field(description="Items in all.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page; null on the last page.")


class IssueItem(BaseModel):
    """One issue in the list of issues."""

    series: str
    number: int = Field(description="期: number within the year.")
    total_number: int = Field(description="总期: number within the series.")
    date: dt.date
    cover_headline: str
    articles: int = Field(description="How many articles the issue carries.")
    url: str = Field(description="The issue's page.")


class IssueList(ListMeta):
    """A page of issues, newest first."""

    items: list[IssueItem]


class IssueArticle(BaseModel):
    """An article as an issue places it."""

    id: int
    title: str
    column: str | None
    source: str | None
    url: str | None = Field(description="Original link (原文链接).")
    page: int | None = Field(description="Page given by the table of contents.")


class IssueDetail(BaseModel):
    """One issue with its table of contents and articles (their text: /api/v1/articles/{id})."""

    series: str
    number: int
    total_number: int
    date: dt.date
    cover_headline: str
    toc: list[TocEntry]
    articles: list[IssueArticle]
    url: str


class ArticleItem(BaseModel):
    """One article in a list."""

    id: int
    title: str
    column: str | None
    date: dt.date | None = Field(description="Publication date, else the date of the first issue carrying it.")
    source: str | None
    url: str | None = Field(description="Original link (原文链接).")
    lead: str = Field(description="First sentence or summary lead.")


class ArticleList(ListMeta):
    """A page of articles, newest first."""

    items: list[ArticleItem]


class Placement(BaseModel):
    """An issue that carried the article."""

    series: str
    number: int
    total_number: int
    date: dt.date
    column: str | None


class Duplicate(BaseModel):
    """A near-duplicate of the article (the same news from another issue or source)."""

    id: int
    title: str | None
    jaccard: float | None


class ArticleDetail(BaseModel):
    """One article with its text and what enrichment found in it."""

    id: int
    title: str
    column: str | None
    date: dt.date | None
    source: str | None
    url: str | None
    blocks: list[Block]
    issues: list[Placement]
    facts: dict[str, Any] | None = Field(description="Documents, authorities, regions, dates, targets, money.")
    topics: list[dict[str, Any]]
    summary: dict[str, Any] | None
    duplicates: list[Duplicate]


class SearchAnswer(ListMeta):
    """Hits of a search, with facet counts over all hits."""

    searched: str = Field(description="The query as searched (traditional → simplified; split words).")
    split: bool = Field(description="Whether words typed without spaces were split with the dictionary.")
    took_ms: float
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]


class FacetsAnswer(BaseModel):
    """Facet counts of a search (what a filter on each value would leave)."""

    total: int
    facets: dict[str, list[FacetCount]]


class SimilarAnswer(BaseModel):
    """Articles most like one article."""

    id: int
    items: list[SearchHit]


def topics_of(enrichment: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The topic labels enrichment gave an article (``{"labels": [...]}``; a bare list is read too).

    >>> topics_of({"topics": {"labels": [{"id": "compute", "label": "算力"}]}})
    [{'id': 'compute', 'label': '算力'}]
    """
    found = enrichment.get("topics")
    if isinstance(found, Mapping):
        found = found.get("labels")
    return [dict(t) for t in found if isinstance(t, Mapping) and t.get("label")] if isinstance(found, list) else []


def facts_of(enrichment: Mapping[str, Any]) -> dict[str, Any] | None:
    """The facts enrichment found, or None before the facts stage ran."""
    facts = enrichment.get("facts")
    return dict(facts) if isinstance(facts, Mapping) else None


def summary_of(enrichment: Mapping[str, Any]) -> dict[str, Any] | None:
    """The summary (lead, summary, method), or None."""
    summary = enrichment.get("summary")
    return dict(summary) if isinstance(summary, Mapping) else None


def duplicate_ids(enrichment: Mapping[str, Any]) -> list[tuple[int, float | None]]:
    """Ids of the article's near-duplicates and their similarity.

    >>> duplicate_ids({"duplicates": {"similar": [{"id": 4, "jaccard": 0.8}, {"id": "x"}]}})
    [(4, 0.8)]
    """
    found = enrichment.get("duplicates")
    similar = found.get("similar") if isinstance(found, Mapping) else None
    pairs: list[tuple[int, float | None]] = []
    for item in similar if isinstance(similar, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), int):
            jaccard = item.get("jaccard")
            pairs.append((item["id"], float(jaccard) if isinstance(jaccard, int | float) else None))
    return pairs


class SourceItem(BaseModel):
    """A watched source and its health."""

    name: str
    kind: str
    url: str
    health: str = Field(description="ok, warning, failing or never run.")
    flags: list[str] = Field(description="What looks wrong, in short Chinese (no error texts or addresses).")
    details: list[str] | None = Field(
        default=None, description="Editors only (with the editor token): what looks wrong, with the raw errors."
    )
    verified: bool | None = Field(description="Whether the catalogue entry was run online; null: not in the catalogue.")
    last_success_at: dt.datetime | None
    last_new_item_at: dt.datetime | None
    error_streak: int = Field(description="Failed runs in a row.")
    items_per_week: float = Field(description="Articles stored per week over the last four weeks.")
    pending: int = Field(description="Links waiting to be fetched.")


class SourceList(BaseModel):
    """Every source, catalogue sources first."""

    items: list[SourceItem]
    total: int
