"""Issuing authorities, normalised to full names, with joint issuing recorded.

Three sources; the first two win where they overlap the third:
local departments (a place, or a bare 省/市 resolved to the article's main region, followed by a
department: 甘肃省工信厅, 省发改委, 市数据局), foreign ones (a country or bloc followed by a
department: 美国商务部, 欧盟网络安全局) and the national table (工信部 → 工业和信息化部).
The choices behind the tables are stated in ``data/enrich/authorities.toml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

import ahocorasick_rs

from policydigest.enrich.facts.model import AuthorityFact, AuthorityLevel
from policydigest.enrich.facts.quantities import CN_INTEGER, parse_number
from policydigest.enrich.facts.regions import Mention, Place
from policydigest.enrich.facts.resources import authority_table
from policydigest.enrichment import is_abroad, is_subnational

# A bare 省/市 is a place only when not part of 全省, 各省, 本市, 城市 ….
_BARE_PLACE = re.compile(r"[省市]")
_NOT_BEFORE_BARE = frozenset("各全本我该外地城两跨分省市县区级")
_SESSION = r"(?:第?[一二三四五六七八九十\d]+届)?"
_JOINT = re.compile(rf"\s*等\s*({CN_INTEGER}|\d+)?\s*个?(?:部门|单位|部委)")
_TOGETHER = re.compile(r"[^。，；\n]{0,6}?(?:联合|共同)")
# Every department name ends in one of these: a cheap test before the full pattern.
_DEPT_END = re.compile(r"[委府办厅局会组室]")
_LINK = re.compile(r"\s*(?:、|，|,|和|与|及|以及|联合|会同)\s*")


@dataclass(frozen=True)
class _Tables:
    national: ahocorasick_rs.AhoCorasick
    national_forms: list[str]
    national_names: dict[str, tuple[str, AuthorityLevel, str | None]]  # form → (name, level, dept)
    local: re.Pattern[str]
    local_names: dict[str, str]
    local_stop: re.Pattern[str]
    foreign: re.Pattern[str]
    foreign_names: dict[str, str]


@dataclass(frozen=True)
class _Hit:
    name: str
    level: AuthorityLevel | None
    region: str | None
    start: int
    end: int
    dept: str | None = None  # department of a foreign authority, to resolve later bare mentions
    joint: int | None = None


@functools.cache
def _tables() -> _Tables:
    table = authority_table()
    names: dict[str, tuple[str, AuthorityLevel, str | None]] = {
        form: (a.name, a.level, a.name[2:] if a.level == "foreign" else None) for form, a in table.forms().items()
    }
    forms = sorted(names)
    depts = sorted(table.local, key=len, reverse=True)
    suffixes = "|".join(map(re.escape, table.local_suffixes))
    stems = "|".join(map(re.escape, table.department_stems))
    generic = rf"[\u4e00-\u9fff]{{0,12}}?(?:{suffixes})|(?:{stems})厅"
    local = re.compile(_SESSION + "(?:(" + "|".join(map(re.escape, depts)) + rf")|({generic}))")
    return _Tables(
        national=ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
        national_forms=forms,
        national_names=names,
        local=local,
        local_names=dict(table.local),
        local_stop=re.compile("|".join(map(re.escape, table.local_stopwords))),
        # 美国联邦国会参议院: an optional 联邦 between the country and the department.
        foreign=re.compile("(?:联邦)?(" + "|".join(map(re.escape, sorted(table.foreign, key=len, reverse=True))) + ")"),
        foreign_names=dict(table.foreign),
    )


def _level(place: Place) -> AuthorityLevel:
    if place.level == "province":
        return "provincial"
    return "prefecture" if place.level == "prefecture" else "district"


def _local_name(place: Place, match: re.Match[str], tables: _Tables) -> str:
    if match.group(1):
        full = tables.local_names[match.group(1)]
        return full.format(p=place.name) if "{p}" in full else place.name + full
    return place.name + match.group(2)


def _local_hits(text: str, mentions: list[Mention], main: dict[str, Place]) -> list[_Hit]:
    tables = _tables()
    hits: list[_Hit] = []
    anchors: list[tuple[Place, int, int]] = [
        (m.place, m.start, m.end) for m in mentions if is_subnational(m.place.level)
    ]
    inside = {i for m in mentions for i in range(m.start, m.end)}
    for bare in _BARE_PLACE.finditer(text):
        if bare.start() in inside or (bare.start() and text[bare.start() - 1] in _NOT_BEFORE_BARE):
            continue
        place = main.get("province" if bare.group(0) == "省" else "prefecture")
        if place is not None:
            anchors.append((place, bare.start(), bare.end()))
    covered_until = -1
    for place, start, end in sorted(anchors, key=lambda anchor: anchor[1]):
        if start < covered_until or not _DEPT_END.search(text, end, end + 20):
            continue
        match = tables.local.match(text, end)
        if match is None:
            continue  # no department here, or a place inside a longer name (数字福建建设领导小组)
        if match.group(2) and tables.local_stop.search(match.group(2)):
            continue
        hits.append(_Hit(_local_name(place, match, tables), _level(place), place.name, start, match.end()))
        covered_until = match.end()
    return hits


def _foreign_hits(text: str, mentions: list[Mention]) -> list[_Hit]:
    """A foreign country or bloc followed by a department: 美国商务部, 欧盟网络安全局."""
    tables = _tables()
    hits = []
    for mention in mentions:
        place = mention.place
        if not is_abroad(place.level):
            continue
        match = tables.foreign.match(text, mention.end)
        if match is not None:
            dept = tables.foreign_names[match.group(1)]
            level: AuthorityLevel = "foreign" if place.level == "foreign" else "international"
            hits.append(_Hit(place.name + dept, level, None, mention.start, match.end(), dept))
    return hits


def _national_hits(text: str) -> list[_Hit]:
    tables = _tables()
    hits = []
    for index, start, end in tables.national.find_matches_as_indexes(text):
        form = tables.national_forms[index]
        if form.endswith("部") and text.startswith("门", end):
            continue  # 工信部门: "the MIIT departments" of every level, not the ministry
        if start and text[start - 1] in "省市区县州" and not form.startswith(("国", "中")):
            continue  # 省发改委 is a local office even when the province is unknown
        name, level, dept = tables.national_names[form]
        hits.append(_Hit(name, level, None, start, end, dept))
    return hits


def _resolve_foreign(hits: list[_Hit]) -> list[_Hit]:
    """A bare 国务院 or 商务部 in an article about 美国国务院 is the American one."""
    foreign = {h.dept: h for h in hits if h.dept}
    resolved = []
    for hit in hits:
        if hit.level == "national":
            short = hit.name.removeprefix("中华人民共和国")
            twin = foreign.get(short)
            if twin is not None and (hit.end - hit.start) <= len(short):
                hit = replace(hit, name=twin.name, level=twin.level, dept=twin.dept)
        resolved.append(hit)
    return resolved


def _mark_joint(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Give every authority of a list followed by 等N部门 or 联合 the number of joint issuers."""
    out = list(hits)
    index = 0
    while index < len(out):
        group = [index]
        while group[-1] + 1 < len(out):
            gap = text[out[group[-1]].end : out[group[-1] + 1].start]
            if not _LINK.fullmatch(gap):
                break
            group.append(group[-1] + 1)
        tail = out[group[-1]].end
        count: int | None = None
        if joint := _JOINT.match(text, tail):
            number = parse_number(joint.group(1)) if joint.group(1) else None
            count = int(number) if number else max(len(group), 2)
        elif len(group) > 1 and _TOGETHER.match(text, tail):
            count = len(group)
        if count is not None:
            for member in group:
                out[member] = replace(out[member], joint=count)
        index = group[-1] + 1
    return out


def extract_authorities(
    text: str, mentions: list[Mention], main: dict[str, Place] | None = None
) -> list[AuthorityFact]:
    """One fact per distinct authority; ``main`` maps "province"/"prefecture" to the article's region.

    >>> from policydigest.enrich.facts.regions import find_regions
    >>> text = "甘肃省工信厅、省发改委等六部门联合印发；工信部、中央网信办联合部署。"
    >>> main = {"province": find_regions("甘肃省")[0].place}
    >>> [(a.name, a.joint_count) for a in extract_authorities(text, find_regions(text), main)][:3]
    [('甘肃省工业和信息化厅', 6), ('甘肃省发展和改革委员会', 6), ('工业和信息化部', 2)]
    """
    local = _local_hits(text, mentions, main or {}) + _foreign_hits(text, mentions)
    taken = [(h.start, h.end) for h in local]
    national = [h for h in _national_hits(text) if not any(s < h.end and h.start < e for s, e in taken)]
    hits = sorted(local + national, key=lambda h: h.start)
    hits = _mark_joint(text, _resolve_foreign(hits))
    facts: dict[str, AuthorityFact] = {}
    for hit in hits:
        known = facts.get(hit.name)
        if known is None:
            facts[hit.name] = AuthorityFact.model_construct(
                text=text[hit.start : hit.end],
                start=hit.start,
                end=hit.end,
                name=hit.name,
                level=hit.level,
                region=hit.region,
                joint_count=hit.joint,
            )
        elif hit.joint and not known.joint_count:
            known.joint_count = hit.joint
    return list(facts.values())
