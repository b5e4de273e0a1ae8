"""The draft of the next issue: which articles, in which column and order, and why.

A draft is stored (tables ``drafts`` and ``draft_items``, revision 0002_compose) so an editor can
change it over several sessions; publishing freezes it into an ordinary stored ``Issue``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field


class ItemState(StrEnum):
    """Whether a candidate article is in the issue, and if not, why."""

    INCLUDED = "included"
    OVERFLOW = "overflow"  # beyond the column's quota; `draft add` brings it in
    DUPLICATE = "duplicate"  # a near-duplicate of a better copy, or already published
    DROPPED = "dropped"  # an editor took it out


class DraftStatus(StrEnum):
    """Where a draft is in its life."""

    OPEN = "open"
    PUBLISHED = "published"


class ScorePart(BaseModel):
    """One reason an article ranks where it does, and the points it earns.

    >>> ScorePart(points=30, reason="国家级发文").label
    '国家级发文 +30'
    """

    points: float
    reason: str

    @property
    def label(self) -> str:
        """The part as printed: reason and signed points."""
        return f"{self.reason} {self.points:+g}"


class DraftItem(BaseModel):
    """One candidate article of a draft."""

    article_id: int
    title: str = Field(description="The stored article's title.")
    column: str
    position: int = Field(description="Order within the column, from 0.")
    state: ItemState = ItemState.INCLUDED
    score: float = 0.0
    explanation: list[ScorePart] = Field(default_factory=list)
    column_reason: str = ""
    note: str = Field(default="", description="Why the article is left out, or an editor's note.")
    new_title: str | None = Field(default=None, description="The title an editor gave it for this issue.")
    new_lead: str | None = Field(default=None, description="The first paragraph an editor wrote for this issue.")
    new_source: str | None = Field(default=None, description="The source an editor gave it for this issue.")
    new_url: str | None = Field(default=None, description="The original link an editor gave it for this issue.")
    url: str | None = None
    original_title: str | None = Field(
        default=None, description="The stored article's title before publishing replaced it with new_title."
    )
    source: str | None = None
    date: dt.date | None = None

    @property
    def printed_title(self) -> str:
        """The title the issue will print."""
        return self.new_title or self.title

    @property
    def printed_source(self) -> str | None:
        """The source the issue will print."""
        return self.new_source or self.source

    @property
    def printed_url(self) -> str | None:
        """The original link the issue will print."""
        return self.new_url or self.url

    @property
    def explained(self) -> str:
        """The score and its parts in one line.

        >>> parts = [ScorePart(points=30, reason="国家级"), ScorePart(points=12, reason="时效")]
        >>> DraftItem(article_id=1, title="t", column="c", position=0, score=42, explanation=parts).explained
        '42分 = 国家级 +30；时效 +12'
        """
        return f"{self.score:g}分 = " + "；".join(part.label for part in self.explanation)


class Draft(BaseModel):
    """A draft issue."""

    id: int | None = None
    series: str
    number: int = Field(description="期: continues within the year, restarts in January.")
    total_number: int = Field(description="总期: continues the series.")
    date: dt.date
    window_from: dt.date
    window_to: dt.date
    cover_headline: str = ""
    cover_article_id: int | None = None
    status: DraftStatus = DraftStatus.OPEN
    numbering_reason: str = ""
    items: list[DraftItem] = Field(default_factory=list)

    def included(self, columns: list[str]) -> list[DraftItem]:
        """The articles of the issue in print order: by column (as ``columns``), then position."""
        order = {name: i for i, name in enumerate(columns)}
        chosen = [item for item in self.items if item.state is ItemState.INCLUDED]
        return sorted(chosen, key=lambda item: (order.get(item.column, len(order)), item.column, item.position))

    def left_out(self) -> list[DraftItem]:
        """Candidates not in the issue, best first."""
        return sorted((i for i in self.items if i.state is not ItemState.INCLUDED), key=lambda i: -i.score)

    def item(self, article_id: int) -> DraftItem | None:
        """The item of an article, or None when the article is not a candidate of this draft."""
        return next((item for item in self.items if item.article_id == article_id), None)
