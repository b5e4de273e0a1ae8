"""Which column an article goes to, and why.

In order: the enrichment stage's column (``article.enrichment["column"]["column"]``), the column the
article was stored with (an imported bulletin's), else a fallback from the issuing authority's level
and the home region — logged, and said in the draft, because it is a guess.
"""

from __future__ import annotations

import logging

from policydigest.compose.signals import authority_of, home_mentions
from policydigest.model import DEFAULT_COLUMN_ROLES, Article
from policydigest.profile import ColumnRole, Profile

log = logging.getLogger(__name__)

def _known(column: str, profile: Profile) -> str | None:
    if column in profile.column_names:
        return column
    role = DEFAULT_COLUMN_ROLES.get(column)  # a customary name the profile does not use
    return profile.column_for(role) if role is not None else None


def enriched_column(article: Article) -> str | None:
    """The column the enrichment stage chose, if it has run.

    >>> enriched_column(Article(title="t", enrichment={"column": {"column": "地方新政", "score": 0.8}}))
    '地方新政'
    """
    found = article.enrichment.get("column")
    if isinstance(found, dict) and isinstance(found.get("column"), str):
        return str(found["column"])
    return None


def fallback_column(article: Article, profile: Profile) -> tuple[str, str]:
    """A column from the authority's level and the home region, with the reason.

    >>> p = __import__("policydigest.profile", fromlist=["x"]).load_profile()
    >>> fallback_column(Article(title="贵州召开全省数字经济发展工作推进会", source="贵州省人民政府"), p)
    ('数谷动态', '本地新闻（贵州），归入数谷动态')
    """
    authority = authority_of(article)
    home = home_mentions(article, profile.home_region)
    if home and authority.level not in ("national", "foreign", "international"):
        column = profile.column_for(ColumnRole.HOME)
        return column, f"本地新闻（{home}），归入{column}"
    role = {
        "national": ColumnRole.NATIONAL,
        "provincial": ColumnRole.LOCAL,
        "prefecture": ColumnRole.LOCAL,
        "district": ColumnRole.LOCAL,
        "foreign": ColumnRole.FRONTIER,
        "international": ColumnRole.FRONTIER,
    }.get(authority.level or "")
    if role is not None:
        column = profile.column_for(role)
        return column, f"发文机关为{_LEVEL_WORDS[authority.level or '']}，归入{column}"
    column = profile.column_for(ColumnRole.FRONTIER)
    log.info("article %r shows no column signal; it goes to %s", article.title, column)
    return column, f"无栏目线索（未做内容标注、无原栏目、发文机关不明），暂归{column}"


_LEVEL_WORDS = {
    "national": "国家级",
    "provincial": "省级",
    "prefecture": "市级",
    "district": "区县级",
    "foreign": "境外机构",
    "international": "国际组织",
}


def assign_column(article: Article, profile: Profile) -> tuple[str, str]:
    """The article's column in the draft and why.

    >>> p = __import__("policydigest.profile", fromlist=["x"]).load_profile()
    >>> assign_column(Article(title="t", column="产业前沿"), p)
    ('产业前沿', '沿用原栏目')
    """
    enriched = enriched_column(article)
    if enriched is not None:
        known = _known(enriched, profile)
        if known is not None:
            return known, "内容标注栏目"
        log.info("enrichment column %r of %r is not in the profile; falling back", enriched, article.title)
    if article.column:
        known = _known(article.column, profile)
        if known is not None:
            return known, "沿用原栏目"
        log.info("stored column %r of %r is not in the profile; falling back", article.column, article.title)
    return fallback_column(article, profile)
