"""``extract_facts``: all policy facts of one article, each with its span in the analysis text."""

from __future__ import annotations

import datetime as dt
import logging
import re
from bisect import bisect_right
from collections import Counter
from typing import TypeVar

from policydigest.enrich.facts.authorities import extract_authorities
from policydigest.enrich.facts.dates import extract_dates
from policydigest.enrich.facts.documents import extract_documents
from policydigest.enrich.facts.model import Facts, FactSpan
from policydigest.enrich.facts.money import extract_money
from policydigest.enrich.facts.regions import Mention, Place, extract_regions, find_regions, gazetteer
from policydigest.enrich.facts.targets import extract_targets
from policydigest.enrichment import is_subnational

log = logging.getLogger(__name__)

_F = TypeVar("_F", bound=FactSpan)
# A line break inside a long paragraph that does not end a sentence is a page break (省工\n业和信息化厅).
_BROKEN = re.compile(r"(?<=[\u4e00-\u9fff\w“”（）()、])\n(?=[\u4e00-\u9fff\w“”（）()])")
_MIN_BROKEN_LINE = 25

#: Longer texts are cut: facts past this many characters are not looked for (1 MB stays fast).
MAX_CHARS = 200_000


def main_regions(mentions: list[Mention], title_end: int) -> dict[str, Place]:
    """The article's main province and prefecture: most mentioned, title mentions counting thrice.

    >>> m = find_regions("贵阳发布措施\\n贵州省贵阳市观山湖区")
    >>> {k: p.name for k, p in main_regions(m, 6).items()}
    {'main': '贵阳市', 'province': '贵州省', 'prefecture': '贵阳市'}
    """
    tree = gazetteer().by_name
    weights: Counter[str] = Counter()
    places: dict[str, Place] = {}
    national = 0
    for mention in mentions:
        place = mention.place
        weight = 3 if mention.start < title_end else 1
        if is_subnational(place.level) and place.province:
            weights[place.name] += weight
            places[place.name] = place
        elif place.level == "country":
            national += weight
    if not weights:
        return {}
    top = places[max(weights, key=lambda name: (weights[name], -_first(mentions, name)))]
    if national > weights[top.name]:
        return {"main": next(m.place for m in mentions if m.place.level == "country")}
    province = next(p for p in tree[top.province or ""] if p.level == "province") if top.province else None
    found: dict[str, Place] = {"main": top}
    if province is not None:
        found["province"] = province
    if top.level == "prefecture":
        found["prefecture"] = top
    elif top.prefecture:
        found["prefecture"] = next(p for p in tree[top.prefecture] if p.level == "prefecture")
    else:
        cities = [n for n in weights if places[n].level == "prefecture" and places[n].province == top.province]
        if cities:
            found["prefecture"] = places[max(cities, key=lambda name: weights[name])]
    if top.level == "district" and top.prefecture is None and "prefecture" not in found and province:
        found["main"] = province  # a district of a municipality: the municipality is the region
    return found


def join_broken_lines(text: str, title_end: int) -> tuple[str, list[int]]:
    """The text with page-break line breaks removed, and where they were (indices in ``text``).

    >>> join_broken_lines("标题\\n" + "甲" * 30 + "\\n乙。", 2)[1]
    [33]
    """
    cuts = [
        m.start()
        for m in _BROKEN.finditer(text, title_end + 1)
        if m.start() - text.rfind("\n", 0, m.start()) > _MIN_BROKEN_LINE
    ]
    if not cuts:
        return text, cuts
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(text[last:cut])
        last = cut + 1
    pieces.append(text[last:])
    return "".join(pieces), cuts


def _remap(facts: list[_F], text: str, cuts: list[int]) -> list[_F]:
    """Move spans found in the joined text back onto the original text."""
    if not cuts:
        return facts
    shifted = [cut - index for index, cut in enumerate(cuts)]  # cut positions in the joined text

    def original(index: int) -> int:
        return index + bisect_right(shifted, index)

    moved = []
    for fact in facts:
        start, end = original(fact.start), original(fact.end - 1) + 1
        moved.append(fact.model_copy(update={"start": start, "end": end, "text": text[start:end]}))
    return moved


def _first(mentions: list[Mention], name: str) -> int:
    return next(m.start for m in mentions if m.place.name == name)


def extract_facts(text: str, *, home_region: str = "贵州", published: dt.date | None = None) -> Facts:
    """Documents, authorities, regions, dates, targets and money found in ``text``.

    ``text`` is ``title + "\\n" + body``. ``home_region`` is accepted for the pipeline's sake and
    does not change what is found. Bad input (empty, punctuation only, mixed scripts) gives empty
    lists, never an exception.

    >>> facts = extract_facts("甘肃印发算力行动计划\\n到2026年，全省算力规模超过30EFLOPS。")
    >>> [(t.subject, t.value, t.unit, t.region) for t in facts.targets]
    [('算力规模', 30.0, 'EFLOPS', '甘肃省')]
    >>> extract_facts("").model_dump()["regions"]
    []
    """
    del home_region  # the column stage decides what the home region means
    if len(text) > MAX_CHARS:
        log.info("article of %d characters cut to %d for fact extraction", len(text), MAX_CHARS)
        text = text[:MAX_CHARS]
    if not text.strip():
        return Facts()
    original = text
    title_end = text.find("\n") if "\n" in text else len(text)
    text, cuts = join_broken_lines(text, title_end)
    mentions = find_regions(text)
    main = main_regions(mentions, title_end)

    def region_for(clause: str) -> str | None:
        if "全市" in clause and "prefecture" in main:
            return main["prefecture"].name
        if "全省" in clause and "province" in main:
            return main["province"].name
        return main["main"].name if "main" in main else None

    return Facts(
        documents=_remap(extract_documents(text), original, cuts),
        authorities=_remap(extract_authorities(text, mentions, main), original, cuts),
        regions=_remap(extract_regions(text, mentions), original, cuts),
        dates=_remap(extract_dates(text, published), original, cuts),
        targets=_remap(extract_targets(text, published, region_for), original, cuts),
        money=_remap(extract_money(text), original, cuts),
    )
