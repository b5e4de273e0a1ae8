"""Topics: multi-label tagging of an article with the field's taxonomy (``data/enrich/topics.toml``).

Keywords are found in one pass with an Aho-Corasick automaton (ahocorasick-rs); nested keywords
both count (数据安全法 also says 数据安全). Scoring and tuning are described in the TOML file and in
docs/topics.md.
"""

from __future__ import annotations

import logging
import math
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick_rs

from policydigest.enrich.segment import encodable
from policydigest.enrichment import TopicLabel
from policydigest.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass
class Topic:
    """One topic of the taxonomy."""

    id: str
    label: str
    name: str = ""
    scope: str = ""
    keywords: dict[str, float] = field(default_factory=dict)
    enabled: bool = True


@dataclass(frozen=True)
class TopicHit:
    """A topic given to an article, with its score and the keywords that earned it."""

    id: str
    label: str
    score: float
    keywords: tuple[str, ...]

    def as_label(self) -> TopicLabel:
        """The form stored in ``article.enrichment.topics``."""
        return TopicLabel(id=self.id, label=self.label, score=self.score, keywords=list(self.keywords))


@dataclass(frozen=True)
class Scoring:
    """How keyword hits become topics (see topics.toml)."""

    title_boost: float = 3.0
    min_score: float = 3.0
    relative: float = 0.3
    max_topics: int = 4


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Taxonomy:
    """The topics and how to score them.

    >>> taxonomy = load_taxonomy()
    >>> [hit.id for hit in taxonomy.classify("甘肃发放算力券", "推进东数西算，建设智算中心。")]
    ['computing_power']
    """

    def __init__(self, topics: list[Topic], scoring: Scoring) -> None:
        self.topics = [topic for topic in topics if topic.enabled]
        self.scoring = scoring
        # keyword → [(topic index, weight)]; one automaton over every keyword of every topic.
        owners: dict[str, list[tuple[int, float]]] = {}
        for index, topic in enumerate(self.topics):
            for keyword, weight in topic.keywords.items():
                if weight > 0:
                    owners.setdefault(keyword, []).append((index, weight))
        self._keywords = list(owners)
        self._owners = [owners[keyword] for keyword in self._keywords]
        # Latin keywords (AI, 5G, PUE) must not match inside longer Latin words (MAIL).
        self._latin_edges = [(_is_ascii_alnum(k[0]), _is_ascii_alnum(k[-1])) for k in self._keywords]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._keywords, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self._keywords
            else None
        )

    def by_id(self, topic_id: str) -> Topic:
        """The topic with this id."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def _hits(self, text: str) -> list[tuple[int, int]]:
        if self._automaton is None:
            return []
        found = []
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            left, right = self._latin_edges[index]
            if left and start > 0 and _is_ascii_alnum(text[start - 1]):
                continue
            if right and end < len(text) and _is_ascii_alnum(text[end]):
                continue
            found.append((index, start))
        return found

    def classify(self, title: str, body: str) -> list[TopicHit]:
        """Topics of an article, best first (possibly none).

        >>> load_taxonomy().classify("", "")
        []
        """
        text = encodable(f"{title}\n{body}")
        in_title: set[int] = set()
        in_body: Counter[int] = Counter()
        for index, start in self._hits(text):
            if start < len(title):
                in_title.add(index)
            else:
                in_body[index] += 1
        scores: dict[int, float] = {}
        reasons: dict[int, dict[str, float]] = {}
        boost = self.scoring.title_boost
        for index in in_title | set(in_body):
            # log2 damps long articles that repeat one keyword many times.
            strength = (boost if index in in_title else 0.0) + math.log2(1 + in_body[index])
            keyword = self._keywords[index]
            for topic_index, weight in self._owners[index]:
                scores[topic_index] = scores.get(topic_index, 0.0) + weight * strength
                earned = reasons.setdefault(topic_index, {})
                earned[keyword] = earned.get(keyword, 0.0) + weight * strength
        if not scores:
            return []
        best = max(scores.values())
        floor = max(self.scoring.min_score, self.scoring.relative * best)
        ranked = sorted(
            (i for i, score in scores.items() if score >= floor),
            key=lambda i: (-scores[i], self.topics[i].id),
        )
        return [
            TopicHit(
                id=self.topics[i].id,
                label=self.topics[i].label,
                score=round(scores[i], 2),
                keywords=tuple(sorted(reasons[i], key=lambda k: -reasons[i][k])[:5]),
            )
            for i in ranked[: self.scoring.max_topics]
        ]


def _read_toml(path: Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("policydigest").joinpath("data/enrich/topics.toml").read_text("utf-8")
        return tomllib.loads(text)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"无法读取主题文件 {path}：{exc.strerror}（请修正或取消 `topics_file`）") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"主题文件 {path} 不是有效的 TOML：{exc}") from exc


def _keywords(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(w, int | float) and not isinstance(w, bool) for k, w in value.items()
    ):
        raise ConfigError(f'{where}：keywords 必须是 "关键词" = 权重 的表')
    return {k: float(w) for k, w in value.items()}


def _merge(base: dict[str, Any], override: dict[str, Any], origin: str) -> tuple[list[Topic], Scoring]:
    scoring_table = {**base.get("scoring", {}), **override.get("scoring", {})}
    try:
        scoring = Scoring(**scoring_table)
    except TypeError as exc:
        raise ConfigError(f"{origin}：未知的 [scoring] 键（{exc}）") from exc
    topics: dict[str, Topic] = {}
    for source, tables in (("topics.toml", base.get("topics", {})), (origin, override.get("topics", {}))):
        for topic_id, table in tables.items():
            where = f"{source} [topics.{topic_id}]"
            if not isinstance(table, dict):
                raise ConfigError(f"{where} 必须是表")
            topic = topics.get(topic_id) or Topic(id=topic_id, label=str(table.get("label", topic_id)))
            keywords = {**topic.keywords, **_keywords(table.get("keywords", {}), where)}
            topics[topic_id] = Topic(
                id=topic_id,
                label=str(table.get("label", topic.label)),
                name=str(table.get("name", topic.name)),
                scope=str(table.get("scope", topic.scope)),
                keywords={k: w for k, w in keywords.items() if w > 0},
                enabled=bool(table.get("enabled", topic.enabled)),
            )
    return list(topics.values()), scoring


@lru_cache(maxsize=4)
def load_taxonomy(override: Path | None = None) -> Taxonomy:
    """The shipped taxonomy, tuned by the ``override`` TOML file when given (see topics.toml).

    >>> len(load_taxonomy().topics) >= 15
    True
    """
    topics, scoring = _merge(_read_toml(None), _read_toml(override) if override else {}, str(override))
    if override:
        log.info("topics: %d topics after applying %s", len(topics), override)
    return Taxonomy(topics, scoring)
