"""An article's facts (FACTS_API) as groups of links, each to the search that finds the same fact elsewhere.

Documents search their title as a phrase, authorities and regions filter by themselves, targets
search their subject and money its amount as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from policydigest.enrichment import AuthorityFact, DocumentFact, Facts, MoneyFact, RegionFact, TargetFact
from policydigest.web.searching import SearchParams


@dataclass(frozen=True)
class FactLink:
    """One fact: what is shown, the search it links to, and a short note."""

    text: str
    href: str
    note: str = ""


@dataclass
class FactGroup:
    """The facts of one kind."""

    key: str
    label: str
    links: list[FactLink] = field(default_factory=list)


def _search(**values: str) -> str:
    q = values.pop("q", "")
    return "/search?" + SearchParams(q=q, filters={k: (v,) for k, v in values.items()}).query_string()


def _phrase(text: str) -> str:
    return '"' + text.replace('"', " ").strip() + '"'


def _document(item: DocumentFact) -> FactLink | None:
    name = item.name.strip()
    if not name:
        return None
    note = "·".join(v for v in (item.kind, item.status) if v)
    return FactLink(f"《{name}》", _search(q=_phrase(name)), note)


def _authority(item: AuthorityFact) -> FactLink | None:
    name = item.name.strip()
    if not name:
        return None
    return FactLink(name, _search(authority=name), f"等{item.joint_count}部门" if item.joint_count is not None else "")


def _region(item: RegionFact) -> FactLink | None:
    name = item.name.strip()
    return FactLink(name, _search(region=name)) if name else None


def _target(item: TargetFact) -> FactLink | None:
    text = item.text.strip()
    if not text:
        return None
    year = item.deadline_year
    return FactLink(text, _search(q=_phrase(item.subject.strip() or text)), f"{year}年" if year is not None else "")


def _money(item: MoneyFact) -> FactLink | None:
    text = item.text.strip()
    if not text or item.kind == "ratio":  # a ratio is not an amount: it has its own group
        return None
    return FactLink(text, _search(q=_phrase(text)), MONEY_KINDS.get(str(item.kind), ""))


def _ratio(item: MoneyFact) -> FactLink | None:
    text = item.text.strip()
    return FactLink(text, _search(q=_phrase(text))) if text and item.kind == "ratio" else None


#: What a money fact is, in the reader's words.
MONEY_KINDS = {"cap": "上限", "total": "总额", "award": "奖励", "subsidy": "补贴", "investment": "投资"}


def _without_short_names(links: list[FactLink]) -> list[FactLink]:
    """Documents without the short citation of one also named in full (《算力…方案》 beside 《贵州省算力…方案》).

    >>> full, short = FactLink("《中华人民共和国数据安全法》", ""), FactLink("《数据安全法》", "")
    >>> [link.text for link in _without_short_names([short, full])]
    ['《中华人民共和国数据安全法》']
    """
    names = [link.text.strip("《》") for link in links]
    return [
        link
        for link, name in zip(links, names, strict=True)
        if not any(name != other and other.endswith(name) for other in names)
    ]


def fact_groups(facts: Facts | None) -> list[FactGroup]:
    """The non-empty groups of ``facts``, each fact once.

    >>> from policydigest.enrichment import AuthorityFact
    >>> miit = dict(text="工信部", start=0, end=3, name="工业和信息化部", level=None, region=None, joint_count=None)
    >>> groups = fact_groups(Facts(authorities=[AuthorityFact(**miit), AuthorityFact(**miit)]))
    >>> [(g.label, [link.href for link in g.links]) for g in groups]
    [('发文机构', ['/search?authority=%E5%B7%A5%E4%B8%9A%E5%92%8C%E4%BF%A1%E6%81%AF%E5%8C%96%E9%83%A8'])]
    """
    if facts is None:
        return []
    found: list[tuple[str, str, Sequence[FactLink | None]]] = [
        ("documents", "文件", [_document(d) for d in facts.documents]),
        ("authorities", "发文机构", [_authority(a) for a in facts.authorities]),
        ("regions", "地区", [_region(r) for r in facts.regions]),
        ("targets", "目标", [_target(t) for t in facts.targets]),
        ("money", "资金", [_money(m) for m in facts.money]),
        ("money", "补贴比例", [_ratio(m) for m in facts.money]),
    ]
    groups: list[FactGroup] = []
    for key, label, links in found:
        group = FactGroup(key, label)
        seen: set[str] = set()
        for link in links:
            if link is not None and link.text not in seen:
                seen.add(link.text)
                group.links.append(link)
        if key == "documents":
            group.links = _without_short_names(group.links)
        if group.links:
            groups.append(group)
    return groups
