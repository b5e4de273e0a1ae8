"""What an article says about itself that ranking needs: issuing authority and its level, home region,
source quality, canonical link.

The enrichment stage's facts (``article.enrichment.facts``: authorities with level and region) are
used when present. Without them the source line and the title are read with a small, documented set of
name patterns — a guess, and every guess says so in the article's explanation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from policydigest.model import Article

#: Levels of issuing authorities, as the enrichment facts name them.
LEVEL_LABELS = {
    "national": "国家级",
    "provincial": "省级",
    "prefecture": "市级",
    "district": "区县级",
    "foreign": "境外",
    "international": "国际组织",
}

PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_FOREIGN = (
    "美国",
    "美国防部",
    "美",
    "欧盟",
    "欧洲",
    "日本",
    "英国",
    "德国",
    "法国",
    "韩国",
    "俄罗斯",
    "印度",
    "新加坡",
    "澳大利亚",
    "加拿大",
    "巴西",
    "以色列",
    "联合国",
    "经合组织",
    "OECD",
    "世界银行",
    "世界经济论坛",
    "G20",
    "G7",
)
_INTERNATIONAL = ("联合国", "经合组织", "OECD", "世界银行", "世界经济论坛", "G20", "G7", "国际电信联盟")
_NATIONAL_PREFIXES = ("中共中央", "国务院", "国家", "全国", "中央", "中国人民银行", "中国网信网")
_MINISTRIES = (
    "工业和信息化部",
    "工信部",
    "财政部",
    "科技部",
    "科学技术部",
    "商务部",
    "教育部",
    "公安部",
    "自然资源部",
    "生态环境部",
    "交通运输部",
    "农业农村部",
    "人力资源和社会保障部",
    "人社部",
    "文化和旅游部",
    "国家卫生健康委",
    "发展改革委",
    "发改委",
    "网信办",
    "市场监管总局",
    "海关总署",
    "证监会",
    "金融监管总局",
    "国资委",
    "住房和城乡建设部",
    "水利部",
    "司法部",
    "民政部",
    "审计署",
    "统计局",
)
#: Short names in common use → the full names the weights are keyed by.
ABBREVIATIONS = {
    "工信部": "工业和信息化部",
    "网信办": "国家互联网信息办公室",
    "中央网信办": "国家互联网信息办公室",
    "中国网信网": "国家互联网信息办公室",
    "国家发改委": "国家发展改革委",
    "发改委": "国家发展改革委",
    "科学技术部": "科技部",
}
#: Built-in weight of the most important issuing authorities; a profile's [ranking.authorities] overrides.
AUTHORITY_WEIGHTS = {
    "中共中央": 30.0,
    "国务院": 30.0,
    "国务院办公厅": 28.0,
    "国家数据局": 24.0,
    "国家发展改革委": 22.0,
    "工业和信息化部": 22.0,
    "国家互联网信息办公室": 22.0,
    "财政部": 20.0,
    "科技部": 18.0,
    "中国人民银行": 18.0,
}
#: Weight of an authority not in the table, by its level.
LEVEL_AUTHORITY_WEIGHTS = {
    "national": 15.0,
    "provincial": 10.0,
    "prefecture": 6.0,
    "district": 3.0,
    "foreign": 8.0,
    "international": 8.0,
}
_AUTHORITY_SUFFIX = re.compile(r"(人民政府|办公厅|办公室|委员会|部|局|委|厅|办|署|总局|中心|政府)$")
_OFFICIAL_MEDIA = ("新华社", "新华网", "人民日报", "人民网", "央视", "中央广播电视总台", "光明日报", "经济日报", "求是")
_LOCAL_MEDIA = re.compile(r"(融媒体中心|日报|电视台|广播电视台|新闻网)$")


@dataclass(frozen=True)
class Authority:
    """The issuing authority as far as it is known."""

    name: str | None
    level: str | None
    joint_count: int | None = None
    guessed: bool = True  # True when read from names, False when the enrichment facts gave it


def full_name(name: str) -> str:
    """An authority's full name for the weight table.

    >>> full_name("工信部"), full_name("国家数据局")
    ('工业和信息化部', '国家数据局')
    """
    return ABBREVIATIONS.get(name, name)


def level_of_name(name: str) -> str | None:
    """The level a name suggests: national, provincial, prefecture, district, foreign, international.

    >>> [level_of_name(n) for n in ("国家数据局", "浙江省经济和信息化厅", "深圳市发展和改革委员会", "美国防部发布指南")]
    ['national', 'provincial', 'prefecture', 'foreign']
    >>> level_of_name("天衡数字经济研究院") is None, level_of_name("贵安新区融媒体中心") is None
    (True, True)
    """
    text = name.strip()
    if not text or _is_media(text):
        return None
    if any(text.startswith(p) for p in _INTERNATIONAL):
        return "international"
    if any(text.startswith(p) for p in _FOREIGN):
        return "foreign"
    if text.startswith(_NATIONAL_PREFIXES) or any(text.startswith(m) for m in _MINISTRIES):
        return "national"
    for province in PROVINCES:
        if text.startswith(province):
            rest = text[len(province) :]
            if province in _MUNICIPALITIES or rest.startswith(("省", "自治区", "壮族", "回族", "维吾尔")):
                return "provincial"
            return "prefecture" if "市" in text[:8] else "provincial"
    head = text[:10]
    if re.search(r"[\u4e00-\u9fff]{1,6}(市|州|盟)", head) and _AUTHORITY_SUFFIX.search(text):
        return "prefecture"
    if re.search(r"[\u4e00-\u9fff]{1,6}(新区|区|县)", head) and _AUTHORITY_SUFFIX.search(text):
        return "district"
    return None


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
        level = level_of_name(text)
        if level is not None:
            name = full_name(text) if text == article.source and _AUTHORITY_SUFFIX.search(text) else None
            return Authority(name, level)
    # A title that starts with a place (深圳推进…, 贵阳贵安出台…) is a local authority's news.
    for province in PROVINCES:
        if article.title.startswith(province):
            return Authority(None, "provincial")
    return Authority(None, None)


def authority_weight(authority: Authority, overrides: dict[str, float]) -> tuple[float, str]:
    """Points for the issuing authority and the reason, e.g. ``(24.0, '发文机关：国家数据局')``.

    >>> authority_weight(Authority("国家数据局", "national"), {})
    (24.0, '发文机关：国家数据局')
    >>> authority_weight(Authority(None, "provincial"), {})
    (10.0, '发文机关级别：省级（推断）')
    """
    if authority.name:
        name = full_name(authority.name)
        if name in overrides:
            return overrides[name], f"发文机关：{name}（编辑部权重）"
        if name in AUTHORITY_WEIGHTS:
            return AUTHORITY_WEIGHTS[name], f"发文机关：{name}"
    if authority.level in LEVEL_AUTHORITY_WEIGHTS:
        level = LEVEL_LABELS[authority.level] + ("（推断）" if authority.guessed else "")
        reason = f"发文机关：{authority.name}，{level}" if authority.name else f"发文机关级别：{level}"
        return LEVEL_AUTHORITY_WEIGHTS[authority.level], reason
    return 0.0, "发文机关不明"


def home_mentions(article: Article, places: Sequence[str]) -> str | None:
    """The first home place the title or source names (or the enrichment found as a region), else None.

    >>> home_mentions(Article(title="贵阳贵安出台数据标注十条措施"), ["贵州", "贵阳"])
    '贵阳'
    """
    for region in article.enrichment.facts.regions if article.enrichment.facts is not None else []:
        for value in (region.name, region.province or ""):
            if value and any(value.startswith(place) for place in places):
                return value
    for text in (article.title, article.source or ""):
        for place in places:
            if place and place in text:
                return place
    return None


def _is_media(name: str) -> bool:
    return name.startswith(_OFFICIAL_MEDIA) or _LOCAL_MEDIA.search(name) is not None


def source_quality(article: Article) -> tuple[float, str]:
    """Points for where the copy comes from: a government site beats official media beats the rest.

    >>> source_quality(Article(title="t", source="国家数据局", url="https://www.example.gov.cn/a.html"))
    (10.0, '来源：政府网站')
    >>> source_quality(Article(title="t", source="新华社"))
    (6.0, '来源：官方媒体')
    """
    host = (urlsplit(article.url.replace(" ", "")).hostname or "") if article.url else ""
    source = (article.source or "").strip()
    if host.endswith(".gov.cn") or (source and level_of_name(source) and _AUTHORITY_SUFFIX.search(source)):
        return 10.0, "来源：政府网站"
    if _is_media(source):
        return 6.0, "来源：官方媒体"
    if source:
        return 3.0, f"来源：{source}"
    if article.url:
        return 1.0, "未注明来源"
    return -3.0, "无来源、无原文链接"
