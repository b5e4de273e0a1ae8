"""The documents an article names, as entities: normalised key, aliases, announcing or not, issuers, level.

An article *announces* a document when it names it in its title, or names it first in a sentence
that says it was issued (印发/发布/出台 …). The issuers of an announced document are the authorities
named before it in that sentence, or else in the title; a ``（来源：…）`` line never issues.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from policydigest.enrichment import AuthorityFact, DocumentFact, Facts, Tier, is_abroad, tier_of

_ANNOUNCE = re.compile(r"印发|发布|出台|公布|推出|制定|审议通过|正式实施|施行|公开征求意见|征求意见|提出")
_FOLLOWS = re.compile(r"根据|按照|依据|贯彻|落实|依照")
#: Titles listed one after another (《A》、《B》和《C》), removed to see the words that govern them all.
LISTED_TITLES = re.compile(r"《[^《》]*》\s*[、和及与]?")
_SOURCE = re.compile(r"[（(]\s*来源[:：][^）)]*[）)]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_DASHES = str.maketrans({"-": "—", "–": "—", "－": "—", "~": "—", "～": "—", '"': "”", "(": "（", ")": "）"})
_STATUS_PAREN = re.compile(r"（(?:征求意见稿|试行|暂行|草案|送审稿|修订稿|修订)）")
_ALIAS = re.compile(r"\s*[（(]\s*以下简称\s*[“\"《]?([^”\"》）)]{1,30})[”\"》]?\s*[）)]")
#: An office inside a body, written right after its name (工业和信息化部办公厅, 中央网信办秘书局).
_OFFICE = "(?:办公厅|办公室|秘书局|秘书处)?"
_NATIONAL_KINDS = frozenset(
    {
        "法",
        "条例",
        "办法",
        "意见",
        "方案",
        "计划",
        "通知",
        "规划",
        "纲要",
        "规定",
        "措施",
        "要点",
        "决定",
        "指南",
        "细则",
        "规范",
    }
)


def document_key(name: str) -> str:
    """The name two mentions of one document share: dashes, quotes and brackets unified, status dropped.

    >>> document_key("“数据要素×”三年行动计划（2024-2026年）") == document_key('"数据要素×"三年行动计划(2024—2026年)')
    True
    >>> document_key("工业和信息化领域数据安全管理办法（试行）")
    '工业和信息化领域数据安全管理办法'
    """
    key = "".join(name.split()).translate(_DASHES).replace("“", "”")
    return _STATUS_PAREN.sub("", key)


def government_of(issuer: str, level: str | None, region: str | None) -> str | None:
    """The government an issuing body belongs to: its 人民政府, 国务院, 中共中央 …; None abroad.

    >>> government_of("浙江省人民政府办公厅", "provincial", "浙江省")
    '浙江省人民政府'
    >>> government_of("国务院办公厅", "national", None), government_of("工业和信息化部", "national", None)
    ('国务院', '国务院')
    """
    if level is None or is_abroad(level):
        return None
    if issuer.startswith("中共中央") or issuer.startswith("中国共产党中央"):
        return "中共中央"
    if issuer.startswith("中共") and region:
        return f"中共{region}委员会" if not issuer.endswith("委员会") else issuer
    if "人民代表大会" in issuer:
        return issuer
    if level == "national":
        return "国务院"
    return f"{region}人民政府" if region else None


@dataclass(frozen=True)
class Issuer:
    """An issuing body with the government it belongs to."""

    name: str
    level: str | None
    region: str | None
    government: str | None


@dataclass
class Mention:
    """One document named in one article."""

    key: str
    name: str
    kind: str | None
    status: str | None
    start: int
    sentence: str
    announces: bool = False
    issuers: list[Issuer] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    level: str | None = None
    region: str | None = None


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence around ``text[start:end]``.

    >>> text = "第一句。根据《办法》制定细则。"
    >>> sentence_at(text, 6, 10)
    (4, 15)
    """
    before = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    after = _SENTENCE_END.search(text, end)
    return before, after.end() if after else len(text)


def _in_source(text: str, position: int) -> bool:
    return any(m.start() <= position < m.end() for m in _SOURCE.finditer(text))


def _level_from_name(name: str, regions: Mapping[str, tuple[Tier, str | None]]) -> tuple[str | None, str | None]:
    """The level and region a document's name starts with (浙江省… → provincial, 浙江省)."""
    for region, (level, _province) in regions.items():
        short = region[:-1] if len(region) > 2 and region[-1] in "省市" else region
        if name.startswith(region) or (len(short) >= 2 and name.startswith(short)):
            return level, region
    if name.startswith("中华人民共和国") or name.startswith("中共中央") or name.startswith("国务院"):
        return "national", None
    return None, None


def document_mentions(title: str, body: str, facts: Facts) -> list[Mention]:
    """The documents an article names, each once, announcing ones with their issuers.

    >>> from policydigest.enrich.facts import extract_facts
    >>> title, body = "浙江发布数据条例", "近日，浙江省人民政府办公厅印发《浙江省数据条例》（以下简称《条例》）。"
    >>> [(m.key, m.announces, [i.name for i in m.issuers], m.aliases, m.level)
    ...  for m in document_mentions(title, body, extract_facts(title + "\\n" + body))]
    [('浙江省数据条例', True, ['浙江省人民政府办公厅'], ['条例'], 'provincial')]
    """
    text = f"{title}\n{body}"
    regions = {
        r.name: (tier, r.province)
        for r in facts.regions
        if (tier := tier_of(r.level)) in ("provincial", "city")
    }
    found: dict[str, Mention] = {}
    announced = False
    for doc in facts.documents:
        key = document_key(doc.name)
        if not key or key in found:
            continue
        s_start, s_end = sentence_at(text, doc.start, doc.end)
        sentence = text[s_start:s_end].strip()
        mention = Mention(key, doc.name, doc.kind, doc.status, doc.start, sentence)
        mention.aliases = _aliases(text, doc)
        in_title = doc.start < len(title) or key in document_key(title)
        # The clause before the title, other titles listed in it removed (为贯彻《A》《B》 governs both).
        lead_in = LISTED_TITLES.sub("", text[max(s_start, text.rfind("，", 0, doc.start) + 1) : doc.start])
        announcing = (_ANNOUNCE.search(lead_in) or _ANNOUNCE.match(text, doc.end)) and not _FOLLOWS.search(lead_in)
        if not announced and (in_title or announcing):
            mention.announces = announced = True
            mention.issuers = _issuers(facts.authorities, text, title, s_start, doc)
        mention.level, mention.region = _level_from_name(mention.key, regions)
        if mention.issuers and mention.level is None:
            mention.level, mention.region = (
                tier_of(mention.issuers[0].level),
                mention.issuers[0].region,
            )
        if mention.level is None and _is_foreign(doc, facts):
            mention.level = "foreign"
        elif mention.level is None and doc.kind in _NATIONAL_KINDS and not _abroad(facts):
            mention.level = "national"  # a Chinese policy named with no place in its name is the State's
        found[key] = mention
    return list(found.values())


def _aliases(text: str, doc: DocumentFact) -> list[str]:
    """Short names given right after any mention: 《…》（以下简称《条例》） → 条例."""
    found: list[str] = []
    for at in [doc.end, *(m.end() for m in re.finditer(re.escape(f"《{doc.name}》"), text))]:
        alias = _ALIAS.match(text, at)
        if alias and alias.group(1) != doc.name and alias.group(1) not in found:
            found.append(alias.group(1))
    return found


def _abroad(facts: Facts) -> bool:
    return any(is_abroad(r.level) for r in facts.regions[:2])


def _is_foreign(doc: DocumentFact, facts: Facts) -> bool:
    return any(is_abroad(r.level) and doc.name.startswith(r.name[:2]) for r in facts.regions)


def article_place(facts: Facts, announced: Mention | None) -> tuple[str | None, str | None]:
    """The level and region an article speaks for: its announced document's, else its first authority's,
    else its first region's.

    >>> from policydigest.enrich.facts import extract_facts
    >>> article_place(extract_facts("昆明市工业和信息化局部署专项行动"), None)
    ('city', '昆明市')
    """
    main = facts.regions[0] if facts.regions else None
    if announced is not None and announced.level is not None:
        return announced.level, announced.region or (main.name if main else None)
    if facts.authorities:
        first = facts.authorities[0]
        return tier_of(first.level), first.region or (main.name if main else None)
    if main is not None:
        return tier_of(main.level), main.name if main.level != "country" else None
    return None, None


def full_issuer(written: str, name: str) -> str:
    """The issuing body as written, in full: the facts fold a government's office into the government.

    >>> full_issuer("国务院办公厅", "国务院"), full_issuer("省政府办公厅", "贵州省人民政府")
    ('国务院办公厅', '贵州省人民政府办公厅')
    >>> full_issuer("市政府办", "贵阳市人民政府"), full_issuer("工信部", "工业和信息化部")
    ('贵阳市人民政府办公室', '工业和信息化部')
    """
    for written_suffix, suffix in (
        ("办公厅", "办公厅"),
        ("办公室", "办公室"),
        ("政府办", "办公室"),
        ("秘书局", "秘书局"),
    ):
        if written.endswith(written_suffix) and not name.endswith(suffix):
            return name + suffix
    return name


def _issuers(authorities: list[AuthorityFact], text: str, title: str, s_start: int, doc: DocumentFact) -> list[Issuer]:
    """Authorities named before the document in its sentence, else in the title, outside any 来源 line."""
    positions = [(a, at, form) for a, at, form in _positions(authorities, text) if not _in_source(text, at)]

    def named_before(anchor: int, s_start: int) -> list[tuple[AuthorityFact, str]]:
        clause = max(s_start, text.rfind("，", s_start, anchor) + 1)
        found = [(a, form) for a, at, form in positions if clause <= at < anchor]
        return found or [(a, form) for a, at, form in positions if s_start <= at < anchor]

    if doc.start >= len(title):
        before = named_before(doc.start, s_start)
    else:
        # Named in the title (国家数据局等五部门印发《…》): the body names them all, before the document or
        # before its first 印发/发布; the title's are the fallback.
        again = text.find(f"《{doc.name}", len(title))
        anchor = again if again >= 0 else (m.start() if (m := _ANNOUNCE.search(text, len(title))) else -1)
        before = named_before(anchor, sentence_at(text, anchor, anchor)[0]) if anchor >= 0 else []
        before = before or [(a, form) for a, at, form in positions if at < len(title)]
    seen: dict[str, Issuer] = {}
    for a, form in before:
        name = full_issuer(form, a.name)
        if name not in seen and not any(name in other for other in seen):
            seen[name] = Issuer(name, a.level, a.region, government_of(a.name, a.level, a.region))
    return list(seen.values())


def _positions(authorities: list[AuthorityFact], text: str) -> list[tuple[AuthorityFact, int, str]]:
    """Every place each authority is named (facts keep only the first), with the form written there."""
    found: dict[int, tuple[AuthorityFact, int, str]] = {}
    for a in authorities:
        for form in sorted({a.text, a.name}, key=len, reverse=True):
            for m in re.finditer(re.escape(form) + _OFFICE, text):
                if m.start() not in found or len(found[m.start()][2]) < len(m.group(0)):
                    found[m.start()] = (a, m.start(), m.group(0))
    return sorted(found.values(), key=lambda hit: hit[1])
