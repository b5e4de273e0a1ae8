"""Which article each table-of-contents line points to, and the 本期要目 groups to print.

Printed tables of contents differ slightly from the article titles (spacing, full/half-width
punctuation, a dropped character), so entries are matched on normalised titles, then by similarity.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from policydigest.model import Issue

log = logging.getLogger(__name__)

#: Below this similarity a table-of-contents line is not taken to name an article.
MIN_SIMILARITY = 0.6


@dataclass
class TocLine:
    """One printed line: its title and the article (index into ``issue.articles``) it points to."""

    title: str
    target: int | None
    page: int | None = None


@dataclass
class TocGroup:
    """A column heading and its lines, in print order."""

    column: str
    entries: list[TocLine] = field(default_factory=list)


def normalise_title(title: str) -> str:
    """A title reduced to what survives reprinting: NFKC, no white space, no quotes.

    >>> normalise_title("《浙江省智能计算产业链标准体系建设指南(2024 年版)》 发布")
    '《浙江省智能计算产业链标准体系建设指南(2024年版)》发布'
    """
    text = unicodedata.normalize("NFKC", title)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "\"'“”‘’")


def match_toc(issue: Issue) -> list[int | None]:
    """For each entry of ``issue.toc``, the index of the article it names, or None.

    Each article is matched at most once; exact (normalised) titles win over similar ones.

    >>> from policydigest.model import Article, TocEntry
    >>> import datetime as dt
    >>> issue = Issue(series="S", number=1, total_number=1, date=dt.date(2024, 1, 1),
    ...     toc=[TocEntry(column="国策要论", title="美国国防部发布战略"),
    ...          TocEntry(column="国策要论", title="未收录的一篇")],
    ...     articles=[Article(title="无关"), Article(title="美国防部发布战略")])
    >>> match_toc(issue)
    [1, None]
    """
    keys = [normalise_title(a.title) for a in issue.articles]
    taken: set[int] = set()
    result: list[int | None] = [None] * len(issue.toc)
    for i, entry in enumerate(issue.toc):
        wanted = normalise_title(entry.title)
        for j, key in enumerate(keys):
            if j not in taken and key == wanted:
                result[i] = j
                taken.add(j)
                break
    for i, entry in enumerate(issue.toc):
        if result[i] is not None:
            continue
        wanted = normalise_title(entry.title)
        best, best_score = None, MIN_SIMILARITY
        for j, key in enumerate(keys):
            if j in taken:
                continue
            score = SequenceMatcher(None, wanted, key).ratio()
            shorter = min(len(key), len(wanted))
            if shorter >= 6 and (key.startswith(wanted) or wanted.startswith(key)):
                score = max(score, 0.9)
            if issue.articles[j].column == entry.column:
                score += 0.05
            if score > best_score:
                best, best_score = j, score
        if best is None:
            log.warning("table of contents line %r names no article; its printed page is kept", entry.title)
        else:
            taken.add(best)
        result[i] = best
    return result


def toc_groups(issue: Issue, columns: Sequence[str]) -> list[TocGroup]:
    """The 本期要目 to print: the issue's own table of contents if it has one, else its articles.

    Groups follow ``columns``; a column not listed there comes after them, in order of appearance.

    >>> from policydigest.model import Article
    >>> import datetime as dt
    >>> issue = Issue(series="S", number=1, total_number=1, date=dt.date(2024, 1, 1), articles=[
    ...     Article(title="甲", column="数谷动态"), Article(title="乙", column="国策要论")])
    >>> [(g.column, [e.title for e in g.entries]) for g in toc_groups(issue, ["国策要论", "数谷动态"])]
    [('国策要论', ['乙']), ('数谷动态', ['甲'])]
    """
    lines: list[tuple[str, TocLine]] = []
    if issue.toc:
        targets = match_toc(issue)
        for entry, target in zip(issue.toc, targets, strict=True):
            lines.append((entry.column, TocLine(entry.title, target, entry.page)))
    else:
        for j, article in enumerate(issue.articles):
            if article.column is None:
                log.info("article %r has no column, so it is not listed in 本期要目", article.title)
                continue
            lines.append((article.column, TocLine(article.title, j)))
    order = list(columns)
    for column, _ in lines:
        if column not in order:
            order.append(column)
    groups = [TocGroup(column) for column in order]
    by_name = {g.column: g for g in groups}
    for column, line in lines:
        by_name[column].entries.append(line)
    return [g for g in groups if g.entries]
