"""Ranking candidates: every article gets a score and the reasons for it, in Chinese, for the editor.

Parts of the score, each weighed by the publisher profile's ``[ranking]`` (the one home of every
ranking weight; defaults in ``policydigest.profile.Ranking``, documented in docs/profile.md):

* level of the issuing authority (``level_points``): national news leads, as the bulletin's column
  order does;
* the authority itself: its ``weight`` in the table of authorities (``data/enrich/authorities.toml``,
  the table the facts stage reads), else its level's (``level_authority_weights``); the profile's
  ``authorities`` override both; joint issuance adds points per extra department (capped);
* home region (the profile's ``home_region``): more in the home column (数谷动态) than elsewhere;
* topics: the profile's ``topics`` weights, from the enrichment topics when present, else from keywords
  in the title (full weight) or body (half); capped;
* recency: full points on the issue date, halving every ``recency_half_life_days`` before it;
* source quality (``sources``): government site beats official media beats another named source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from policydigest.compose.model import ScorePart
from policydigest.compose.signals import (
    authority_of,
    authority_weight,
    home_mentions,
    source_quality,
)
from policydigest.enrichment import AUTHORITY_LEVELS
from policydigest.model import Article
from policydigest.profile import ColumnRole, Profile

_JOINT = re.compile(r"等\s*(\d+|[二三四五六七八九十]+)\s*(?:个)?部门")
_CHINESE_DIGITS = dict(zip("二三四五六七八九", range(2, 10), strict=True)) | {"十": 10}


@dataclass
class Scored:
    """An article's score and its explanation."""

    score: float
    parts: list[ScorePart] = field(default_factory=list)


def article_date(article: Article) -> dt.date | None:
    """The date ranking uses: the publication date, else when a copy was retrieved."""
    if article.published is not None:
        return article.published
    retrieved = [p.retrieved_at for p in article.provenance if p.retrieved_at is not None]
    return min(retrieved).date() if retrieved else None


def joint_count(article: Article, known: int | None) -> int | None:
    """How many departments issued the document jointly (等4部门), if any.

    >>> joint_count(Article(title="国家数据局等4部门部署试点"), None)
    4
    """
    if known:
        return known
    found = _JOINT.search(article.title + "\n" + article.body[:200])
    if found is None:
        return None
    value = found.group(1)
    return int(value) if value.isdigit() else _CHINESE_DIGITS.get(value)


def _topic_parts(article: Article, profile: Profile) -> list[ScorePart]:
    weights = profile.ranking.topics
    cap = profile.ranking.topic_cap
    if not weights:
        return []
    parts: list[ScorePart] = []
    if article.enrichment.topics is not None:
        for topic in article.enrichment.topic_labels:
            key = next((k for k in (topic.id, topic.label) if k in weights), None)
            if key is not None:
                parts.append(ScorePart(points=weights[key], reason=f"主题：{topic.label or key}"))
    else:
        body = article.body
        for keyword, weight in weights.items():
            if keyword in article.title:
                parts.append(ScorePart(points=weight, reason=f"关键词“{keyword}”（标题）"))
            elif keyword in body:
                parts.append(ScorePart(points=weight / 2, reason=f"关键词“{keyword}”（正文）"))
    parts.sort(key=lambda p: -p.points)
    total, capped = 0.0, []
    for part in parts:
        points = min(part.points, cap - total)
        if points <= 0:
            break
        capped.append(ScorePart(points=round(points, 1), reason=part.reason))
        total += points
    return capped


def score_article(article: Article, *, column: str, issue_date: dt.date, profile: Profile) -> Scored:
    """The article's score for an issue of ``issue_date``, with one part per reason.

    >>> from policydigest.profile import load_profile
    >>> s = score_article(Article(title="国家数据局印发工作要点", source="国家数据局", published=dt.date(2025, 3, 18)),
    ...                   column="国策要论", issue_date=dt.date(2025, 3, 25), profile=load_profile())
    >>> [p.label for p in s.parts]
    ['国家级（推断） +30', '发文机关：国家数据局 +24', '发布于7天前 +5', '来源：政府网站 +10']
    """
    ranking = profile.ranking
    parts: list[ScorePart] = []
    authority = authority_of(article)
    if authority.level in ranking.level_points:
        level = authority.level or ""
        guessed = "（推断）" if authority.guessed else ""
        parts.append(ScorePart(points=ranking.level_points[level], reason=AUTHORITY_LEVELS[level].label + guessed))
    else:
        parts.append(ScorePart(points=0, reason="级别不明"))
    points, reason = authority_weight(authority, ranking)
    parts.append(ScorePart(points=points, reason=reason))
    joint = joint_count(article, authority.joint_count)
    if joint and joint > 1:
        bonus = min(ranking.joint_cap, ranking.joint_points_per_department * (joint - 1))
        parts.append(ScorePart(points=bonus, reason=f"{joint}部门联合发文"))
    home = home_mentions(article, profile.home_region)
    if home:
        in_home_column = profile.role_of(column) is ColumnRole.HOME
        points = ranking.home_column_points if in_home_column else ranking.home_mention_points
        reason = f"本地新闻（{home}）" if in_home_column else f"涉及本地（{home}）"
        parts.append(ScorePart(points=points, reason=reason))
    parts.extend(_topic_parts(article, profile))
    date = article_date(article)
    if date is None:
        parts.append(ScorePart(points=0, reason="日期不详"))
    else:
        age = max(0, (issue_date - date).days)
        points = round(ranking.recency_points * 0.5 ** (age / ranking.recency_half_life_days), 1)
        parts.append(ScorePart(points=points, reason="当天发布" if age == 0 else f"发布于{age}天前"))
    points, reason = source_quality(article, ranking.sources)
    parts.append(ScorePart(points=points, reason=reason))
    return Scored(score=round(sum(p.points for p in parts), 1), parts=parts)
