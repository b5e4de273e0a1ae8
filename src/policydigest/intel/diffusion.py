"""Diffusion of a national document: which provinces followed it up and when, and which have not yet.

The provinces are those of the one region table (the gazetteer of ``enrich.facts.regions``): its
mainland province-level divisions. A follow-up by a city counts for its province.
"""

from __future__ import annotations

import datetime as dt
import functools

from pydantic import BaseModel, Field

from policydigest.enrich.facts.regions import gazetteer
from policydigest.intel.queries import DocumentView, FollowUpView

#: Codes from here on are 台湾, 香港 and 澳门, whose governments do not follow up national documents.
_OUTSIDE_MAINLAND = "710000"


@functools.cache
def mainland_provinces() -> tuple[str, ...]:
    """The mainland province-level divisions of the region table, in the order of their codes.

    >>> len(mainland_provinces()), mainland_provinces()[0]
    (31, '北京市')
    """
    places = {p for found in gazetteer().by_name.values() for p in found if p.level == "province"}
    mainland = [p for p in places if p.code and p.code.isdigit() and p.code < _OUTSIDE_MAINLAND]
    return tuple(p.name for p in sorted(mainland, key=lambda p: p.code or ""))


def province_of(region: str | None) -> str | None:
    """The mainland province a region lies in (itself for a province), else None.

    >>> province_of("昆明市"), province_of("浙江省"), province_of("法国"), province_of(None)
    ('云南省', '浙江省', None, None)
    """
    for place in gazetteer().by_name.get(region or "", []):
        if place.province in mainland_provinces():
            return place.province
    return None


class ProvinceFollowUp(BaseModel):
    """One province's first follow-up of a document: when, how long after, by whom."""

    province: str
    date: str | None = Field(description="Date of the first follow-up article in the province (YYYY-MM-DD).")
    lag_days: int | None = Field(description="Days from the document's first appearance to that article.")
    article_id: int
    title: str
    region: str | None = Field(description="Who followed: the province itself or one of its cities.")
    follow_ups: int = Field(description="Follow-up articles in the province in all.")


class Diffusion(BaseModel):
    """Which provinces followed a national document up (earliest first) and which have not yet."""

    document_id: int
    first_seen: str | None
    followed: list[ProvinceFollowUp]
    pending: list[str] = Field(description="Provinces with no follow-up yet, in the order of their codes.")


def _plus(day: str | None, days: int | None) -> str | None:
    if day is None or days is None:
        return None
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def diffusion(document: DocumentView, links: list[FollowUpView]) -> Diffusion | None:
    """The diffusion of a national document from its follow-ups (earliest first); None for other documents.

    >>> view = DocumentView(1, "x", None, None, "national", None, [], None, [], "2025-03-01", None, 1)
    >>> link = FollowUpView(7, "t", "昆明市", "city", "implements", "…", 19)
    >>> found = diffusion(view, [link])
    >>> [(f.province, f.date) for f in found.followed], len(found.pending)
    ([('云南省', '2025-03-20')], 30)
    """
    if document.level != "national":
        return None
    followed: dict[str, ProvinceFollowUp] = {}
    for link in links:  # earliest first
        province = province_of(link.region)
        if province is None:
            continue
        if province in followed:
            first = followed[province]
            followed[province] = first.model_copy(update={"follow_ups": first.follow_ups + 1})
            continue
        followed[province] = ProvinceFollowUp(
            province=province,
            date=_plus(document.first_seen, link.lag_days),
            lag_days=link.lag_days,
            article_id=link.article_id,
            title=link.title,
            region=link.region,
            follow_ups=1,
        )
    ordered = sorted(followed.values(), key=lambda f: (f.date is None, f.date or ""))
    pending = [p for p in mainland_provinces() if p not in followed]
    return Diffusion(document_id=document.id, first_seen=document.first_seen, followed=ordered, pending=pending)
