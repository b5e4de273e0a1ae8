"""What the enrichment stages found in an article, typed: facts, topics, column, summary, near-duplicates.

This module is neutral ground: the data model (``policydigest.model``) holds an :class:`Enrichment`,
the enrichment stage (``policydigest.enrich``) produces it, and search, compose, render and the web
read it, all without importing each other. Each stage result carries the stage's version in
``versions``; a stage that failed on the article records why in ``errors``.

Fact spans (``start``, ``end``) are Python ``str`` indices into the analysis text
``article.title + "\\n" + article.full_text`` (body, then attachments read); ``end`` is exclusive,
so ``text == analysed[start:end]``.
Each list of facts holds one fact per distinct normalised value (its first mention), except dates,
targets and money, which hold one fact per mention.

Stored enrichment is read through :func:`upgrade_enrichment`, the one place older shapes are read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

log = logging.getLogger(__name__)

AuthorityLevel = Literal["national", "provincial", "prefecture", "district", "foreign", "international"]
RegionLevel = Literal["country", "province", "prefecture", "district", "foreign", "bloc"]
#: The tiers a policy is followed down (policy intelligence): the State, provinces, cities, abroad (``TIERS``).
Tier = Literal["national", "provincial", "city", "foreign"]
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


class TopicLabel(BaseModel):
    """A topic of the taxonomy given to an article, with its score and the keywords that earned it."""

    id: str
    label: str
    score: float
    keywords: list[str] = Field(default_factory=list)


class Topics(BaseModel):
    """The topics stage's result: up to four labels, best first."""

    labels: list[TopicLabel] = Field(default_factory=list)


class ColumnRole(StrEnum):
    """What a column carries: the column stage scores these roles, drafting and the profile name them.

    >>> [role.value for role in ColumnRole]
    ['national', 'local', 'frontier', 'home']
    """

    NATIONAL = "national"  # national policy (国策要论)
    LOCAL = "local"  # provincial and city policy (地方新政)
    FRONTIER = "frontier"  # industry, research reports and foreign policy (产业前沿)
    HOME = "home"  # the publisher's home region (数谷动态)


@dataclass(frozen=True)
class TierMeaning:
    """A tier's name for readers, and how far below the State it stands (None abroad: outside the chain)."""

    label: str
    depth: int | None


#: Every tier, declared once: a follow-up goes from a tier to one strictly deeper (national → provincial → city).
TIERS: dict[Tier, TierMeaning] = {
    "national": TierMeaning("国家", 0),
    "provincial": TierMeaning("省级", 1),
    "city": TierMeaning("市级", 2),
    "foreign": TierMeaning("国外", None),
}


@dataclass(frozen=True)
class LevelMeaning:
    """What an authority level stands for: its label for editors, the column its news goes to when
    nothing else tells, and its tier."""

    label: str
    role: ColumnRole
    tier: Tier


#: Every authority level, declared once: ranking reasons, fallback columns, the column stage and policy
#: intelligence read it from here.
AUTHORITY_LEVELS: dict[AuthorityLevel, LevelMeaning] = {
    "national": LevelMeaning("国家级", ColumnRole.NATIONAL, "national"),
    "provincial": LevelMeaning("省级", ColumnRole.LOCAL, "provincial"),
    "prefecture": LevelMeaning("市级", ColumnRole.LOCAL, "city"),
    "district": LevelMeaning("区县级", ColumnRole.LOCAL, "city"),
    "foreign": LevelMeaning("境外机构", ColumnRole.FRONTIER, "foreign"),
    "international": LevelMeaning("国际组织", ColumnRole.FRONTIER, "foreign"),
}
#: The tier of a place of each region level (the country is China; a bloc is abroad).
REGION_TIERS: dict[RegionLevel, Tier] = {
    "country": "national",
    "province": "provincial",
    "prefecture": "city",
    "district": "city",
    "foreign": "foreign",
    "bloc": "foreign",
}


#: Authority and region levels share their names where they share their tier (prefecture, district, foreign).
_TIERS: dict[str, Tier] = {str(name): tier for name, tier in REGION_TIERS.items()}
_TIERS.update((name, meaning.tier) for name, meaning in AUTHORITY_LEVELS.items())


def tier_of(level: str | None) -> Tier | None:
    """The tier of an authority or region level (as stored: possibly unknown, then None).

    >>> tier_of("prefecture"), tier_of("international"), tier_of("country"), tier_of(None)
    ('city', 'foreign', 'national', None)
    """
    return _TIERS.get(level or "")


def is_subnational(level: str | None) -> bool:
    """Whether an authority or region level is a province, city or district of China.

    >>> is_subnational("province"), is_subnational("district"), is_subnational("country"), is_subnational("bloc")
    (True, True, False, False)
    """
    return tier_of(level) in ("provincial", "city")


def is_abroad(level: str | None) -> bool:
    """Whether an authority or region level is outside China.

    >>> is_abroad("international"), is_abroad("bloc"), is_abroad("provincial"), is_abroad(None)
    (True, True, False, False)
    """
    return tier_of(level) == "foreign"


#: Role names that earlier versions of the column stage wrote (stored decisions, trained weights), read as today's.
_RENAMED_ROLES = {"industry": ColumnRole.FRONTIER.value}


def by_current_role(row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` keyed by today's role names: stored decisions' scores and trained weights read alike.

    >>> by_current_role({"industry": 1.5, "home": 0.5})
    {'frontier': 1.5, 'home': 0.5}
    """
    return {_RENAMED_ROLES.get(str(role), str(role)): value for role, value in row.items()}


class ColumnDecision(BaseModel):
    """The column the column stage chose, the model's probability for it, and the reasons (strongest first)."""

    column: str
    role: ColumnRole = Field(description="The chosen column's role (its place in the configured order).")
    confidence: float
    reasons: list[str] = Field(default_factory=list)
    scores: dict[ColumnRole, float] = Field(default_factory=dict, description="The model's score of every role.")


class SummaryResult(BaseModel):
    """The summary stage's result: a lead and a summary of at most 120 characters."""

    lead: str
    summary: str = Field(description="The summary to show: abstractive when there is one, else extractive.")
    extractive: str
    method: Literal["extractive", "abstractive"]


class SimilarArticle(BaseModel):
    """Another article of the same near-duplicate group and its estimated Jaccard similarity."""

    id: int
    jaccard: float


class Duplicates(BaseModel):
    """The near-duplicates stage's result: the MinHash signature and the group the article is in."""

    signature: str | None = Field(default=None, description="Base64 MinHash signature; None for too short texts.")
    group: int | None = Field(default=None, description="Id of the group's canonical (earliest) article.")
    canonical: bool = False
    similar: list[SimilarArticle] = Field(default_factory=list)


#: The stage results an :class:`Enrichment` holds, by stage name.
STAGE_RESULTS: dict[str, type[BaseModel]] = {
    "facts": Facts,
    "topics": Topics,
    "column": ColumnDecision,
    "summary": SummaryResult,
    "duplicates": Duplicates,
}


class Enrichment(BaseModel):
    """Everything the enrichment stages stored for one article; a stage that has not run is None.

    >>> e = Enrichment(column=ColumnDecision(column="地方新政", role="local", confidence=0.9))
    >>> e.column_name, e.topic_labels, list(e.stored())
    ('地方新政', [], ['column'])
    """

    facts: Facts | None = None
    topics: Topics | None = None
    column: ColumnDecision | None = None
    summary: SummaryResult | None = None
    duplicates: Duplicates | None = None
    versions: dict[str, str] = Field(default_factory=dict, description="Version of each stage that ran.")
    errors: dict[str, str] = Field(default_factory=dict, description="Why a stage failed on the article, by stage.")

    @property
    def column_name(self) -> str | None:
        """The column the column stage chose, or None before it ran."""
        return self.column.column if self.column is not None else None

    @property
    def topic_labels(self) -> list[TopicLabel]:
        """The topic labels, best first (none before the topics stage ran)."""
        return self.topics.labels if self.topics is not None else []

    @property
    def lead(self) -> str | None:
        """The summary's lead, or None when there is no non-blank one."""
        lead = self.summary.lead.strip() if self.summary is not None else ""
        return lead or None

    def stored(self) -> dict[str, Any]:
        """The JSON form kept in the store: stages that have not run, and empty maps, are left out."""
        return {key: value for key, value in self.model_dump(mode="json").items() if value not in (None, {})}


def upgrade_enrichment(stored: Mapping[str, Any] | None) -> Enrichment:
    """The enrichment of a stored article, whatever version of the stages wrote it.

    A stage result that no longer validates is dropped with its version (the next ``enrich`` run
    redoes it) rather than failing the read; keys no stage writes are ignored.

    >>> upgrade_enrichment({"summary": {"lead": "导语"}, "versions": {"summary": "0"}}).summary is None
    True
    >>> upgrade_enrichment(None) == Enrichment()
    True
    """
    raw = dict(stored or {})
    versions = _strings(raw.get("versions"))
    results: dict[str, BaseModel] = {}
    for name, model in STAGE_RESULTS.items():
        value = raw.get(name)
        if value is None:
            continue
        if name == "column" and isinstance(value, Mapping):
            value = _renamed_roles(value)
        try:
            results[name] = model.model_validate(value)
        except ValidationError as exc:
            log.info("stored %s enrichment of an older shape is dropped (the next enrich run redoes it): %s", name, exc)
            versions.pop(name, None)
    return Enrichment.model_validate({**results, "versions": versions, "errors": _strings(raw.get("errors"))})


def _renamed_roles(column: Mapping[str, Any]) -> dict[str, Any]:
    """A stored column decision with the roles of earlier versions renamed (``industry`` is ``frontier``)."""
    upgraded = dict(column)
    if isinstance(role := upgraded.get("role"), str):
        upgraded["role"] = _RENAMED_ROLES.get(role, role)
    if isinstance(scores := upgraded.get("scores"), Mapping):
        upgraded["scores"] = by_current_role(scores)
    return upgraded


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}
