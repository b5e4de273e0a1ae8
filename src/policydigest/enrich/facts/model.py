"""Typed policy facts found in an article, each traceable to the characters it came from.

Spans (``start``, ``end``) are Python ``str`` indices into the analysis text
``article.title + "\\n" + article.full_text`` (body, then attachments read); ``end`` is exclusive,
so ``text == analysed[start:end]``.
Each list holds one fact per distinct normalised value (its first mention), except dates,
targets and money, which hold one fact per mention.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

AuthorityLevel = Literal["national", "provincial", "prefecture", "district", "foreign", "international"]
RegionLevel = Literal["country", "province", "prefecture", "district", "foreign", "bloc"]
DateRole = Literal["publication", "effective", "deadline", "period", "mention"]
Comparator = Literal[">", ">=", "<", "<=", "="]
MoneyKind = Literal["cap", "total", "ratio", "award", "investment", "subsidy", "other"]


class FactSpan(BaseModel):
    """Base of every fact: the matched characters and where they are.

    >>> FactSpan(text="贵阳", start=3, end=5).end
    5
    """

    text: str
    start: int
    end: int


class DocumentFact(FactSpan):
    """A document named in 《…》 (joined when broken over lines)."""

    name: str = Field(description="Title without 《》, line breaks and stray spaces removed.")
    kind: str | None = Field(description="Suffix class: 法/条例/办法/意见/方案/计划/通知/指南/报告/法案/战略 …")
    status: str | None = Field(description="征求意见稿 / 试行 / 暂行 / 草案 …, when stated.")


class AuthorityFact(FactSpan):
    """A public authority, normalised to its full name (工信部 → 工业和信息化部)."""

    name: str
    level: AuthorityLevel | None
    region: str | None = Field(description="Province or city full name for local authorities.")
    joint_count: int | None = Field(description="Number of joint issuers (等4部门 → 4); None when not joint.")


class RegionFact(FactSpan):
    """A place at its level: country, province, prefecture city, district, foreign country or bloc."""

    name: str = Field(description="Full name: 贵州省, 贵阳市, 观山湖区, 美国, 欧盟.")
    level: RegionLevel
    province: str | None = Field(description="Province of a Chinese region (贵阳市 → 贵州省); None abroad.")
    code: str | None = Field(description="Six-digit administrative division code when known.")


class DateFact(FactSpan):
    """A date or year with its role in the text."""

    role: DateRole
    date: dt.date | None = Field(description="Full date when day, month and year are known.")
    year: int | None
    end_year: int | None = Field(description="Last year of a period such as 2024—2026年.")


class TargetFact(FactSpan):
    """A quantitative target: 到2026年，全省算力规模超过30EFLOPS → 2026, 算力规模, >, 30, EFLOPS."""

    deadline_year: int | None
    subject: str
    comparator: Comparator
    value: float = Field(description="Value with 万/亿 multiplied out: 1.5万家 → 15000.")
    unit: str
    region: str | None = Field(description="Region full name, defaulted from the article's main region.")


class MoneyFact(FactSpan):
    """An amount of money (or a subsidy ratio) with its currency and kind."""

    amount: float = Field(description="In currency units (100万元 → 1000000.0); the fraction for ratios.")
    currency: str = Field(description="ISO 4217 code (CNY, USD, EUR …); '%' for kind 'ratio'.")
    kind: MoneyKind
    ratio: float | None = Field(description="For kind 'ratio': 0.3 for 30%.")


class Facts(BaseModel):
    """Everything :func:`extract_facts` found in one article."""

    documents: list[DocumentFact] = Field(default_factory=list)
    authorities: list[AuthorityFact] = Field(default_factory=list)
    regions: list[RegionFact] = Field(default_factory=list)
    dates: list[DateFact] = Field(default_factory=list)
    targets: list[TargetFact] = Field(default_factory=list)
    money: list[MoneyFact] = Field(default_factory=list)
