"""Column: which of the bulletin's four columns an article belongs in, how sure, and why.

Readable features (home region in the title, a national authority issuing, a foreign country, an
industry ranking …) come from the article's facts; a small linear model turns them into a score per
column *role*. The roles are the profile's four columns in print order: national policy (国策要论),
local policy (地方新政), industry frontier and foreign policy (产业前沿), home region (数谷动态).
The model's weights start from documented domain priors (``data/enrich/column.toml``) and can be
fitted to an archive of issues (multinomial logistic regression pulled towards the priors), so a
think tank with another home region trains its own.
"""

from __future__ import annotations

import json
import logging
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from policydigest.enrichment import ColumnDecision, ColumnRole, by_current_role, is_abroad, is_subnational
from policydigest.errors import ConfigError

log = logging.getLogger(__name__)

#: The roles scored, in the order of the configured columns; the keys of the weights (JSON and TOML).
ROLES: tuple[str, ...] = tuple(role.value for role in ColumnRole)
LEAD_CHARS = 150  # the opening of the body that names the main actor and place
_SOURCE_LINE = re.compile(r"[（(]\s*来源\s*[：:]\s*([^）)]+)[）)]")


@dataclass(frozen=True)
class Feature:
    """A feature that fired, its value in [0, 1], and the evidence shown as a reason."""

    name: str
    value: float
    evidence: str


def _is_home(name: str | None, home: str) -> bool:
    return bool(name) and bool(home) and str(name).startswith(home)


def _cues() -> dict[str, Any]:
    text = resources.files("policydigest").joinpath("data/enrich/column.toml").read_text("utf-8")
    return tomllib.loads(text)


_CONFIG = _cues()
INDUSTRY_CUES: tuple[str, ...] = tuple(_CONFIG["cues"]["industry"])
REPORT_KINDS: frozenset[str] = frozenset(_CONFIG["cues"]["report_kinds"])
POLICY_KINDS: frozenset[str] = frozenset(_CONFIG["cues"]["policy_kinds"])


def source_of(article_source: str | None, body: str) -> str | None:
    """The publisher: the article's source field, else a （来源：…） line in the body.

    >>> source_of(None, "正文。（来源：贵州日报）")
    '贵州日报'
    """
    if article_source:
        return article_source
    found = _SOURCE_LINE.findall(body[-300:])
    return found[-1].strip() if found else None


class _Fired:
    """Features collected for one article; the first evidence of a feature is kept."""

    def __init__(self) -> None:
        self.found: dict[str, Feature] = {}

    def __call__(self, name: str, evidence: str, value: float = 1.0) -> None:
        if name not in self.found:
            self.found[name] = Feature(name, value, evidence)


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start < b for a, b in spans)


def _region_features(
    fire: _Fired,
    regions: list[dict[str, Any]],
    title_end: int,
    lead_end: int,
    home: str,
    book_titles: list[tuple[int, int]],
) -> None:
    domestic = [r for r in regions if is_subnational(r.get("level"))]
    foreign = [r for r in regions if is_abroad(r.get("level"))]
    # China itself acting in the title (not inside a 《book title》): its dealings abroad are national news.
    china = next(
        (
            r
            for r in regions
            if r.get("level") == "country"
            and int(r.get("start", 0)) < title_end
            and not _inside(int(r.get("start", 0)), book_titles)
        ),
        None,
    )
    abroad_in_title = [r for r in foreign if int(r.get("start", 0)) < title_end]
    if china is not None:
        fire("region_china_title", f"China as a whole: {china.get('text') or china.get('name')}")
        if abroad_in_title:
            fire("china_abroad_title", f"China and {abroad_in_title[0].get('name')}: foreign relations")
    for region in domestic + ([] if china is not None else foreign):
        start = int(region.get("start", 0))
        name = region.get("name") or region.get("text") or ""
        for where, end in (("title", title_end), ("lead", lead_end)):
            if start >= end:
                continue
            if region in foreign:
                fire(f"region_foreign_{where}", f"foreign: {name}")
            elif _is_home(region.get("province"), home) or _is_home(name, home):
                fire(f"region_home_{where}", f"region {name} = home region ({home})")
            else:
                fire(f"region_local_{where}", f"region {name}")
    if domestic:
        at_home = sum(_is_home(r.get("province"), home) or _is_home(r.get("name"), home) for r in domestic)
        if at_home:
            evidence = (
                "all places named are in the home region"
                if at_home == len(domestic)
                else f"{at_home} of {len(domestic)} places named are in the home region"
            )
            fire("region_home_share", evidence, at_home / len(domestic))
    if foreign and china is None:
        fire(
            "region_foreign_share",
            f"{len(foreign)} of {len(regions)} places named are abroad",
            len(foreign) / len(regions),
        )
    if not any(int(r.get("start", 0)) < lead_end for r in domestic):
        fire("no_local_place", "no province or city in the title or opening")


def _authority_features(
    fire: _Fired, authorities: list[dict[str, Any]], title_end: int, lead_end: int, home: str
) -> None:
    ordered = sorted(authorities, key=lambda a: int(a.get("start", 0)))
    for authority in ordered:
        if authority.get("level") == "national" and int(authority.get("start", 0)) < title_end:
            fire("auth_national_title", f"national authority {authority.get('name', '')}")
    # The first authority named in the title or opening is the main actor.
    first = next((a for a in ordered if int(a.get("start", 0)) < lead_end and a.get("level")), None)
    if first is None:
        return
    level, name = first.get("level"), first.get("name", "")
    if level == "national":
        fire("auth_national_first", f"national authority {name} acts first")
    elif is_abroad(level):
        fire("auth_foreign_first", f"foreign authority {name}")
    elif _is_home(first.get("region"), home) or _is_home(name, home):
        fire("auth_home_first", f"home-region authority {name}")
    else:
        fire("auth_local_first", f"local authority {name}")


def _source_features(fire: _Fired, source: str, source_facts: dict[str, Any], home: str) -> None:
    regions = source_facts.get("regions") or []
    authorities = source_facts.get("authorities") or []
    if _is_home(source, home) or any(
        _is_home(r.get("province"), home) or _is_home(r.get("name"), home) for r in regions
    ):
        fire("source_home", f"source {source} is from the home region")
    elif any(a.get("level") == "national" for a in authorities):
        fire("source_national", f"source {source} is a national authority")
    elif any(is_abroad(fact.get("level")) for fact in [*regions, *authorities]):
        fire("source_foreign", f"source {source} is foreign")


def features(
    title: str,
    facts: dict[str, Any],
    *,
    home: str,
    source_facts: dict[str, Any] | None = None,
    source: str | None = None,
) -> list[Feature]:
    """The features that fire for an article, from its facts (``Facts.model_dump(mode="json")``).

    >>> facts = {"regions": [{"name": "贵阳市", "level": "prefecture", "province": "贵州省", "start": 0}]}
    >>> for f in features("贵阳发布措施", facts, home="贵州"):
    ...     print(f.name, "|", f.evidence)
    region_home_title | region 贵阳市 = home region (贵州)
    region_home_lead | region 贵阳市 = home region (贵州)
    region_home_share | all places named are in the home region
    """
    title_end = len(title)
    lead_end = title_end + 1 + LEAD_CHARS
    fire = _Fired()
    documents = facts.get("documents") or []
    book_titles = [(int(d.get("start", 0)), int(d.get("end", 0))) for d in documents]
    regions = facts.get("regions") or []
    authorities = facts.get("authorities") or []
    _region_features(fire, regions, title_end, lead_end, home, book_titles)
    _authority_features(fire, authorities, title_end, lead_end, home)
    if source:
        _source_features(fire, source, source_facts or {}, home)
    cue = next((c for c in INDUSTRY_CUES if c in title), None)
    if cue:
        fire("cue_industry_title", f"industry news: {cue}")
    if not any(int(x.get("start", 0)) < title_end for x in [*regions, *authorities]):
        fire("no_actor_title", "the title names no authority and no place: market or analysis news")
    for document in documents:
        kind, start, name = document.get("kind"), int(document.get("start", 0)), document.get("name", "")
        if kind in REPORT_KINDS:
            fire("doc_report_title" if start < title_end else "doc_report", f"report 《{name}》")
        elif kind in POLICY_KINDS and start < title_end:
            fire("doc_policy_title", f"policy document 《{name}》")
    return list(fire.found.values())


@dataclass
class ColumnModel:
    """Linear scores per role: bias + Σ weight × feature value; softmax gives the confidence."""

    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    trained_on: str = "domain priors"

    @classmethod
    def prior(cls) -> ColumnModel:
        """The documented domain priors of ``data/enrich/column.toml``.

        >>> ColumnModel.prior().weights["region_home_title"]["home"] > 0
        True
        """
        weights = {name: {role: float(row.get(role, 0.0)) for role in ROLES} for name, row in _CONFIG["prior"].items()}
        bias = {role: float(_CONFIG.get("bias", {}).get(role, 0.0)) for role in ROLES}
        return cls(weights=weights, bias=bias)

    @classmethod
    def load(cls, path: Path | None) -> ColumnModel:
        """Weights from a JSON file written by :meth:`save`, else the shipped fitted weights."""
        if path is None:
            shipped = resources.files("policydigest").joinpath("data/enrich/column_weights.json")
            if not shipped.is_file():
                return cls.prior()
            data = json.loads(shipped.read_text("utf-8"))
            where = "column_weights.json"
        else:
            try:
                data = json.loads(path.read_text("utf-8"))
            except OSError as exc:
                raise ConfigError(
                    f"无法读取栏目模型 {path}：{exc.strerror}（请修正 `column_model_file`）"
                ) from exc
            except json.JSONDecodeError as exc:
                raise ConfigError(f"栏目模型 {path} 不是 JSON：{exc}") from exc
            where = str(path)
        try:
            prior = cls.prior()
            weights = {name: _by_role(data["weights"].get(name, {})) for name in prior.weights}
            bias = _by_role(data["bias"])
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ConfigError(f"栏目模型 {where} 缺少各角色的 weights/bias：{exc}") from exc
        return cls(weights=weights, bias=bias, trained_on=str(data.get("trained_on", "")))

    def save(self, path: Path) -> None:
        """Write the weights as JSON."""
        payload = {
            "roles": list(ROLES),
            "trained_on": self.trained_on,
            "bias": self.bias,
            "weights": self.weights,
        }
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")

    def fingerprint(self) -> str:
        """Short hash of the weights, part of the column stage's version."""
        import hashlib

        blob = json.dumps([self.weights, self.bias], sort_keys=True).encode()
        return hashlib.sha1(blob).hexdigest()[:10]

    def scores(self, fired: Sequence[Feature]) -> dict[str, float]:
        """Score per role.

        >>> ColumnModel.prior().scores([Feature("auth_national_title", 1.0, "")])["national"]
        2.0
        """
        scores = dict(self.bias)
        for feature in fired:
            row = self.weights.get(feature.name)
            if row:
                for role in ROLES:
                    scores[role] += row[role] * feature.value
        return scores

    def predict(self, fired: Sequence[Feature], columns: Sequence[str]) -> ColumnDecision:
        """The column for these features, with confidence and reasons.

        >>> fired = [Feature("region_foreign_title", 1.0, "foreign: 美国")]
        >>> result = ColumnModel.prior().predict(fired, ["国策要论", "地方新政", "产业前沿", "数谷动态"])
        >>> result.column, result.reasons
        ('产业前沿', ['foreign: 美国'])
        """
        scores = self.scores(fired)
        top = max(scores.values())
        exp = {role: math.exp(score - top) for role, score in scores.items()}
        total = sum(exp.values())
        role = max(ROLES, key=lambda r: (scores[r], -ROLES.index(r)))
        support = sorted(
            ((self.weights.get(f.name, {}).get(role, 0.0) * f.value, f.evidence) for f in fired),
            key=lambda pair: -pair[0],
        )
        # A place in the title also counts for the opening: one reason is enough.
        reasons = list(dict.fromkeys(evidence for contribution, evidence in support if contribution > 0.05))
        if not reasons:
            reasons = ["nothing specific found: the column most articles like this go to"]
        return ColumnDecision(
            column=columns[ROLES.index(role)],
            role=ColumnRole(role),
            confidence=round(exp[role] / total, 3),
            reasons=reasons,
            scores={ColumnRole(r): round(s, 3) for r, s in scores.items()},
        )


def _by_role(row: dict[str, Any]) -> dict[str, float]:
    """A row of trained weights by today's role names (files written before a role was renamed still load)."""
    named = by_current_role(row)
    return {role: float(named.get(role, 0.0)) for role in ROLES}


def check_columns(columns: Sequence[str]) -> None:
    """The column stage needs four columns, in the order national, local, frontier, home.

    >>> check_columns(["国策要论", "地方新政"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policydigest.errors.ConfigError: 栏目阶段需要 4 个栏目（...）；出版配置中有 2 个（...）
    """
    if len(columns) != len(ROLES):
        raise ConfigError(
            f"栏目阶段需要 {len(ROLES)} 个栏目（依次为 {', '.join(ROLES)}）；"
            f"出版配置中有 {len(columns)} 个（见 docs/profile.md）"
        )
