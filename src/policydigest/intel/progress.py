"""Progress of a target: later mentions of the same metric for the same region, in later articles.

A target set in one article is followed by what later articles say about the same metric and region
(a new figure, a raised goal); those are its progress, earliest first. Targets without a region or
whose article has no date have none (nothing can be called "later").
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from policydigest.intel.queries import TargetView
from policydigest.store.articles import date_sql, vetted_sql
from policydigest.store.intel_schema import IntelTargetRow
from policydigest.store.schema import ArticleRow


class ProgressMention(BaseModel):
    """A later mention of a target's metric and region."""

    article_id: int
    title: str
    date: dt.date
    text: str = Field(description="The sentence part naming the figure.")
    value: float
    value_max: float | None
    unit: str
    deadline: dt.date | None


def progress_of(session: Session, targets: list[TargetView], *, vetted: bool = False) -> list[list[ProgressMention]]:
    """For each target (in order), the later mentions of its metric and region, earliest first.

    >>> from policydigest.store import open_store
    >>> progress_of(open_store("sqlite://").session(), [])
    []
    """
    metrics = sorted({t.metric for t in targets if t.region})
    found: dict[tuple[str, str], list[ProgressMention]] = {}
    dates: dict[int, dt.date] = {}
    for start in range(0, len(metrics), 500):
        query = (
            select(IntelTargetRow, ArticleRow.title, date_sql())
            .join(ArticleRow, ArticleRow.id == IntelTargetRow.article_id)
            .where(IntelTargetRow.metric.in_(metrics[start : start + 500]), IntelTargetRow.region.is_not(None))
            .order_by(IntelTargetRow.article_id, IntelTargetRow.start)
        )
        if vetted:
            query = query.where(vetted_sql(IntelTargetRow.article_id))
        for row, title, day in session.execute(query):
            if day is None:
                continue
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
            dates[row.article_id] = day
            found.setdefault((row.metric, row.region), []).append(
                ProgressMention(
                    article_id=row.article_id,
                    title=title,
                    date=day,
                    text=row.text,
                    value=row.value,
                    value_max=row.value_max,
                    unit=row.unit,
                    deadline=row.deadline,
                )
            )
    answer = []
    for t in targets:
        since = dates.get(t.article_id)
        later = [
            m
            for m in found.get((t.metric, t.region or ""), [])
            if since is not None and m.date > since and m.article_id != t.article_id
        ]
        answer.append(sorted(later, key=lambda m: (m.date, m.article_id)))
    return answer
