"""Follow-up links: an article implementing a higher document or programme it names, with the sentence.

Relations, strongest first: ``implements`` (贯彻落实《…》), ``according_to`` (根据 / 按照 / 依据《…》),
``detailed_rules`` (实施细则 under a 办法), ``continues_programme`` (continues a named programme
such as “数据要素×”), ``cites`` (an announced document's article names another document).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from policydigest.enrichment import TIERS
from policydigest.intel.documents import LISTED_TITLES, Mention

_IMPLEMENTS = re.compile(r"(?:贯彻落实|贯彻|落实|对接)\s*(?:好|国家|党中央|中央|省委省政府)?[^。；，,]{0,12}$")
_ACCORDING = re.compile(r"(?:根据|按照|依据|依照|遵照|对照|结合)\s*[^。；，,]{0,12}$")

_QUOTED = re.compile(r"“([^“”]{2,12})”")

#: Rank of a level (its tier's depth): a follow-up goes from a lower rank to a strictly higher one.
LEVEL_RANK: dict[str, int] = {tier: meaning.depth for tier, meaning in TIERS.items() if meaning.depth is not None}


@dataclass(frozen=True)
class FollowUp:
    """An article following up the document with key ``parent_key``."""

    parent_key: str
    child_key: str | None
    relation: str
    evidence: str


def programme_names(keys: Iterable[str]) -> dict[str, str]:
    """Named programmes in document names (“数据要素×”三年行动计划 → 数据要素×), with the document's key.

    >>> programme_names(["”数据要素×”三年行动计划（2024—2026年）", "数据安全法"])
    {'数据要素×': '”数据要素×”三年行动计划（2024—2026年）'}
    """
    found: dict[str, str] = {}
    for key in keys:
        match = re.match(r"^”([^”]{2,12})”", key)
        if match:
            found.setdefault(match.group(1), key)
    return found


def follow_ups(text: str, mentions: list[Mention], programmes: dict[str, str]) -> list[FollowUp]:
    """The follow-up links of one article, one per parent document (the strongest relation).

    >>> from policydigest.intel.documents import Mention
    >>> m = [Mention("省实施方案", "省实施方案", "方案", None, 2, "x", announces=True),
    ...      Mention("国家规划", "国家规划", "规划", None, 20, "为贯彻落实《国家规划》，省里印发《省实施方案》。")]
    >>> [(f.parent_key, f.relation) for f in follow_ups("", m, {})]
    [('国家规划', 'implements')]
    """
    announced = next((m for m in mentions if m.announces), None)
    child = announced.key if announced else None
    links: dict[str, FollowUp] = {}
    for mention in mentions:
        if mention is announced:
            continue
        position = mention.sentence.find(f"《{mention.name}")
        # Titles listed before this one (根据《A》、《B》和《C》) do not break the 根据 that governs them all.
        lead_in = LISTED_TITLES.sub("", mention.sentence[: max(position, 0)])
        if _IMPLEMENTS.search(lead_in):
            relation = "implements"
        elif _ACCORDING.search(lead_in):
            relation = "according_to"
        elif announced and announced.kind == "细则" and mention.kind == "办法":
            relation = "detailed_rules"
        elif announced:
            relation = "cites"
        else:
            continue
        links[mention.key] = FollowUp(mention.key, child, relation, mention.sentence)
    named = {m.key for m in mentions} | set(links)
    quoted = quoted_names(own_words(text, mentions))
    links.update((link.parent_key, link) for link in programme_links(quoted, programmes, named, child))
    return list(links.values())


def own_words(text: str, mentions: list[Mention]) -> str:
    """The text without the titles of documents it only cites: a programme quoted in another document's
    title (根据《四川省“数联百业”实施方案》) is that document's, not a continuation by this article.

    >>> from policydigest.intel.documents import Mention
    >>> m = [Mention("省方案", "四川省“数联百业”方案", "方案", None, 2, "")]
    >>> own_words("根据《四川省“数联百业”方案》，开展“上云”。", m)
    '根据《》，开展“上云”。'
    """
    for mention in mentions:
        if not mention.announces:
            text = text.replace(f"《{mention.name}》", "《》")
    return text


def quoted_names(text: str) -> dict[str, str]:
    """Every short quoted name (“数据要素×”) in a text, with the sentence it first stands in.

    >>> quoted_names("开展“数据要素×”大赛。推进“东数西算”。")
    {'数据要素×': '开展“数据要素×”大赛。', '东数西算': '推进“东数西算”。'}
    """
    found: dict[str, str] = {}
    for match in _QUOTED.finditer(text):
        if match.group(1) not in found:
            start = max(text.rfind("。", 0, match.start()) + 1, text.rfind("\n", 0, match.start()) + 1)
            end = text.find("。", match.end())
            found[match.group(1)] = text[start : end + 1 if end >= 0 else len(text)].strip()
    return found


def programme_links(
    quoted: dict[str, str], programmes: dict[str, str], named: set[str], child: str | None
) -> list[FollowUp]:
    """Links to the programmes an article continues: it quotes the programme's name without naming its document.

    >>> programme_links({"数据要素×": "开展“数据要素×”大赛。"}, {"数据要素×": "K"}, set(), None)
    [FollowUp(parent_key='K', child_key=None, relation='continues_programme', evidence='开展“数据要素×”大赛。')]
    """
    return [
        FollowUp(key, child, "continues_programme", quoted[name])
        for name, key in programmes.items()
        if name in quoted and key not in named and key != child
    ]
