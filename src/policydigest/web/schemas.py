"""What the JSON API answers (response models; they make the OpenAPI description), and paging."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query as Param
from fastapi import Request
from pydantic import BaseModel, Field

from policydigest.enrichment import ColumnDecision, Facts, SummaryResult, TopicLabel
from policydigest.model import AttachedDocument, Block, TocEntry
from policydigest.search import FacetCount, SearchHit
from policydigest.search.results import Answer
from policydigest.store.articles import IssuePlacement

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
    issues: list[IssuePlacement] = Field(description="The issues that carried the article, oldest first.")
    facts: Facts | None = Field(description="Documents, authorities, regions, dates, targets, money (null: not run).")
    topics: list[TopicLabel]
    column_decision: ColumnDecision | None = Field(
        description="The column the enrichment stage chose, its confidence and reasons (null: not run)."
    )
    summary: SummaryResult | None
    duplicates: list[Duplicate]
    documents: list[AttachedDocument] = Field(
        default_factory=list, description="Attachments read as documents (text, OCR flag, or why unread)."
    )


class SearchAnswer(ListMeta, Answer):
    """Hits of a search, with facet counts over all hits."""

    notes: list[str] = Field(default_factory=list, description="How the query was searched, in Chinese, for readers.")


class FacetsAnswer(BaseModel):
    """Facet counts of a search (what a filter on each value would leave)."""

    total: int
    facets: dict[str, list[FacetCount]]


class SimilarAnswer(BaseModel):
    """Articles most like one article."""

    id: int
    items: list[SearchHit]


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
