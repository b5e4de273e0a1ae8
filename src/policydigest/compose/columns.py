"""Which column an article goes to, and why.

The article's effective column (the store's one rule: its own column, else its first issue's, else the
one the enrichment stage chose), else a fallback from the issuing authority's level and the home
region — logged, and said in the draft, because it is a guess.
"""

from __future__ import annotations

import logging

from policydigest.compose.signals import authority_of, home_mentions
from policydigest.enrichment import AUTHORITY_LEVELS
from policydigest.model import DEFAULT_COLUMN_ROLES, Article
from policydigest.profile import ColumnRole, Profile
from policydigest.store.articles import effective_column

log = logging.getLogger(__name__)

def _known(column: str, profile: Profile) -> str | None:
    if column in profile.column_names:
        return column
    role = DEFAULT_COLUMN_ROLES.get(column)  # a customary name the profile does not use
    return profile.column_for(role) if role is not None else None


def fallback_column(article: Article, profile: Profile) -> tuple[str, str]:
    """A column from the authority's level and the home region, with the reason.

    >>> p = __import__("policydigest.profile", fromlist=["x"]).load_profile()
    >>> fallback_column(Article(title="贵州召开全省数字经济发展工作推进会", source="贵州省人民政府"), p)
    ('数谷动态', '本地新闻（贵州），归入数谷动态')
    """
    authority = authority_of(article)
    home = home_mentions(article, profile.home_region)
    meaning = AUTHORITY_LEVELS.get(authority.level) if authority.level else None
    if home and (meaning is None or meaning.role is ColumnRole.LOCAL):
        column = profile.column_for(ColumnRole.HOME)
        return column, f"本地新闻（{home}），归入{column}"
    if meaning is not None:
        column = profile.column_for(meaning.role)
        return column, f"发文机关为{meaning.label}，归入{column}"
    column = profile.column_for(ColumnRole.FRONTIER)
    log.info("article %r shows no column signal; it goes to %s", article.title, column)
    return column, f"无栏目线索（未做内容标注、无原栏目、发文机关不明），暂归{column}"


def assign_column(article: Article, profile: Profile) -> tuple[str, str]:
    """The article's column in the draft and why.

    >>> p = __import__("policydigest.profile", fromlist=["x"]).load_profile()
    >>> assign_column(Article(title="t", column="产业前沿"), p)
    ('产业前沿', '沿用原栏目')
    """
    found = effective_column(article)
    if found is not None:
        column, source = found
        known = _known(column, profile)
        if known is not None:
            return known, "内容标注栏目" if source == "enrichment" else "沿用原栏目"
        log.info("%s column %r of %r is not in the profile; falling back", source, column, article.title)
    return fallback_column(article, profile)
