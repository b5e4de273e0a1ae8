"""The enrichment pipeline: stages that each take an article and return it enriched.

Per-article stages run in the order of ``settings.enrich_stages`` (facts, topics, column, summary);
each stores its typed result in ``article.enrichment`` (a :class:`policydigest.enrichment.Enrichment`)
and its version in ``article.enrichment.versions``, so a later run skips what is up to date. The
near-duplicate step is corpus-level: it needs every article, so it runs over a batch
(``enrich_batch``) or the store, never on one article alone. A stage that fails on one article
records the error in ``article.enrichment.errors`` and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast, runtime_checkable

from pydantic import BaseModel

from policydigest.enrich.column import ColumnModel, Feature, check_columns, features, source_of
from policydigest.enrich.segment import encodable, get_segmenter
from policydigest.enrich.summary import AbstractiveSummarizer, summarize
from policydigest.enrich.topics import load_taxonomy
from policydigest.enrichment import Duplicates, Facts, SimilarArticle, Topics
from policydigest.errors import ConfigError
from policydigest.model import Article
from policydigest.profile import profile_for
from policydigest.settings import Settings

log = logging.getLogger(__name__)

#: Every stage, with what it adds (shown by `policydigest enrich --help` and logged at start).
STAGE_HELP: dict[str, str] = {
    "facts": "documents, authorities, regions, dates, targets and money, each with its character span",
    "topics": "labels from the topic taxonomy (multi-label, with the keywords that earned them)",
    "column": "the column the article belongs in, a confidence and the reasons",
    "summary": "a one-line lead and a summary of at most 120 characters",
    "duplicates": "near-duplicate groups across issues and sources (corpus-level; earliest is canonical)",
}


def analysis_text(article: Article) -> str:
    """The text facts are found in: title, body, then the attachments read; every span points into it.

    >>> from policydigest.model import Block
    >>> analysis_text(Article(title="标题", blocks=[Block.paragraph("正文")]))
    '标题\\n正文'
    """
    return f"{article.title}\n{article.full_text}"


def _with(article: Article, name: str, result: BaseModel, version: str) -> Article:
    enrichment = article.enrichment.model_copy(
        update={
            name: result,
            "versions": {**article.enrichment.versions, name: version},
            "errors": {k: v for k, v in article.enrichment.errors.items() if k != name},
        }
    )
    return article.model_copy(update={"enrichment": enrichment})


@runtime_checkable
class Stage(Protocol):
    """A per-article stage."""

    name: str
    version: str

    def __call__(self, article: Article) -> Article: ...


def _fingerprint(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()[:10]


class FactsStage:
    """Policy facts from ``policydigest.enrich.facts.extract_facts``."""

    name = "facts"

    def __init__(self, settings: Settings) -> None:
        try:
            from policydigest.enrich import facts as facts_module
            from policydigest.enrich.facts import extract_facts
        except ImportError as exc:
            raise ConfigError(f"facts 阶段不可用（{exc}）；请从 enrich_stages 中去掉 'facts'") from exc
        self._extract: Callable[..., Any] = extract_facts
        self.home = profile_for(settings).home_region or ""
        self.version = f"1:{getattr(facts_module, '__version__', '0')}:{self.home}"

    def facts(self, text: str, published: dt.date | None = None) -> Facts:
        """Facts of ``text``."""
        # Same length with lone surrogates replaced, so spans stay valid for the Rust matchers.
        found: Facts = self._extract(encodable(text), home_region=self.home, published=published)
        return found

    def __call__(self, article: Article) -> Article:
        return _with(article, self.name, self.facts(analysis_text(article), article.published), self.version)


class TopicsStage:
    """Topics from the taxonomy (``data/enrich/topics.toml`` + ``settings.topics_file``)."""

    name = "topics"

    def __init__(self, settings: Settings) -> None:
        self.taxonomy = load_taxonomy(settings.topics_file)
        self.version = "1:" + _fingerprint(
            [[t.id, t.label, t.keywords] for t in self.taxonomy.topics] + [vars(self.taxonomy.scoring)]
        )

    def __call__(self, article: Article) -> Article:
        hits = self.taxonomy.classify(article.title, article.body)
        return _with(article, self.name, Topics(labels=[hit.as_label() for hit in hits]), self.version)


class ColumnStage:
    """The column, from the article's facts (extracted here when the facts stage is off)."""

    name = "column"

    def __init__(self, settings: Settings, facts: FactsStage | None) -> None:
        check_columns(settings.columns)
        self.columns = list(settings.columns)
        self.home = profile_for(settings).home_region or ""
        self.model = ColumnModel.load(settings.column_model_file)
        self._facts = facts or FactsStage(settings)
        self.version = f"1:{self.model.fingerprint()}:{self.home}:{_fingerprint(self.columns)}"

    def features_of(self, article: Article) -> list[Feature]:
        """The column features of ``article`` (from its stored facts when there are some)."""
        found = article.enrichment.facts or self._facts.facts(analysis_text(article), article.published)
        source = source_of(article.source, article.body)
        source_facts = self._facts.facts(source).model_dump(mode="json") if source else None
        return features(
            article.title, found.model_dump(mode="json"), home=self.home, source=source, source_facts=source_facts
        )

    def __call__(self, article: Article) -> Article:
        return _with(article, self.name, self.model.predict(self.features_of(article), self.columns), self.version)


class SummaryStage:
    """Lead and extractive summary; abstractive too when ``summary_endpoint`` is set."""

    name = "summary"

    def __init__(self, settings: Settings) -> None:
        self.segmenter = get_segmenter(settings.user_dictionary)
        self.abstractive: AbstractiveSummarizer | None = None
        self.version = "1"
        if settings.summary_endpoint:
            key = os.environ.get(settings.summary_api_key_env)
            if not key:
                log.info(
                    "summary: no API key in $%s; calling %s without one",
                    settings.summary_api_key_env,
                    settings.summary_endpoint,
                )
            self.abstractive = AbstractiveSummarizer(
                settings.summary_endpoint,
                model=settings.summary_model,
                api_key=key,
                timeout=settings.summary_timeout,
            )
            self.version = f"1:{settings.summary_model}"

    def __call__(self, article: Article) -> Article:
        result = summarize(article.title, article.body, abstractive=self.abstractive, segmenter=self.segmenter)
        return _with(article, self.name, result.result(), self.version)


class DuplicatesStage:
    """Near-duplicate groups over a corpus (see :mod:`policydigest.enrich.dedup`)."""

    name = "duplicates"

    def __init__(self, settings: Settings) -> None:
        from policydigest.enrich import dedup  # datasketch (and scipy) load only when grouping is asked for

        self._dedup = dedup
        self.lsh_threshold = settings.dedup_lsh_threshold
        self.min_jaccard = settings.dedup_min_jaccard
        self.version = f"1:k{dedup.SHINGLE}:p{dedup.NUM_PERM}:{self.lsh_threshold}:{self.min_jaccard}"

    def group(self, items: Sequence[tuple[int, Article, dt.date | None]]) -> dict[int, Duplicates]:
        """The duplicates result of every item: its signature, group and similar articles.

        >>> from policydigest.model import Block
        >>> body = [Block.paragraph("浙江大数据交易中心上线首批跨境数据产品，涵盖跨境贸易结算等领域。")]
        >>> items = [(1, Article(title="甲", blocks=body), None), (2, Article(title="乙", blocks=body), None)]
        >>> result = DuplicatesStage(Settings()).group(items)
        >>> result[2].group, result[1].canonical, result[2].similar[0].id
        (1, True, 1)
        """
        index = self._dedup.DuplicateIndex(lsh_threshold=self.lsh_threshold, min_jaccard=self.min_jaccard)
        signatures: dict[int, str | None] = {}
        for key, article, date in items:
            stored = article.enrichment.duplicates
            if stored is not None and article.enrichment.versions.get(self.name) == self.version:
                encoded = stored.signature
                sig = self._dedup.decode_signature(encoded) if encoded else None
            else:
                sig = self._dedup.signature(analysis_text(article))
                encoded = self._dedup.encode_signature(sig) if sig is not None else None
            signatures[key] = encoded
            index.add(key, sig, date)
        results = {key: Duplicates(signature=sig) for key, sig in signatures.items()}
        for group in index.groups():
            members = [cast(int, member) for member in group.members]
            for key in members:
                results[key] = results[key].model_copy(
                    update={
                        "group": group.canonical,
                        "canonical": key == group.canonical,
                        "similar": [
                            SimilarArticle(id=other, jaccard=index.similarity(key, other))
                            for other in members
                            if other != key
                        ],
                    }
                )
        return results

    def apply(self, article: Article, result: Duplicates) -> Article:
        """``article`` with its duplicates result stored (see :meth:`group`)."""
        return _with(article, self.name, result, self.version)


@dataclass
class Pipeline:
    """The configured stages; ``enrich`` runs the per-article ones, ``enrich_batch`` all of them.

    >>> from policydigest.model import Block
    >>> pipeline = build_pipeline(Settings(), ["topics", "summary"])
    >>> article = pipeline.enrich(Article(title="宁夏发放算力券", blocks=[Block.paragraph("推进东数西算工程。")]))
    >>> article.enrichment.topic_labels[0].id, pipeline.is_current(article)
    ('computing_power', True)
    """

    stages: list[Stage]
    duplicates: DuplicatesStage | None = None
    errors: int = field(default=0)

    @property
    def names(self) -> list[str]:
        return [stage.name for stage in self.stages] + (["duplicates"] if self.duplicates else [])

    def versions(self) -> dict[str, str]:
        """Current version of every per-article stage."""
        return {stage.name: stage.version for stage in self.stages}

    def is_current(self, article: Article) -> bool:
        """Whether every per-article stage already enriched ``article`` at its current version."""
        done = article.enrichment.versions
        return all(done.get(name) == version for name, version in self.versions().items())

    def enrich(self, article: Article, *, force: bool = False) -> Article:
        """Run the per-article stages that are not yet current (all of them with ``force``)."""
        done = article.enrichment.versions
        for stage in self.stages:
            if not force and done.get(stage.name) == stage.version:
                continue
            try:
                article = stage(article)
            except Exception as exc:  # one bad article must not abort a batch: record and go on
                self.errors += 1
                log.warning("stage %s failed on %r: %s: %s", stage.name, article.title[:40], type(exc).__name__, exc)
                errors = {**article.enrichment.errors, stage.name: f"{type(exc).__name__}: {exc}"}
                enrichment = article.enrichment.model_copy(update={"errors": errors})
                article = article.model_copy(update={"enrichment": enrichment})
        return article

    def enrich_batch(self, articles: Sequence[Article], dates: Sequence[dt.date | None] | None = None) -> list[Article]:
        """Enrich ``articles`` and group their near-duplicates (earliest by ``dates``, else ``published``)."""
        done = [self.enrich(article) for article in articles]
        if self.duplicates is None:
            return done
        when = list(dates) if dates is not None else [a.published for a in done]
        results = self.duplicates.group([(i, a, when[i]) for i, a in enumerate(done)])
        return [self.duplicates.apply(a, results[i]) for i, a in enumerate(done)]


def build_pipeline(settings: Settings, stages: Sequence[str] | None = None) -> Pipeline:
    """The pipeline for ``stages`` (default ``settings.enrich_stages``); unknown names are a config error.

    >>> build_pipeline(Settings(), ["topics", "summary"]).names
    ['topics', 'summary']
    """
    wanted = list(settings.enrich_stages if stages is None else stages)
    unknown = [name for name in wanted if name not in STAGE_HELP]
    if unknown:
        raise ConfigError(f"未知的加工阶段 {', '.join(unknown)}；已有的阶段：{', '.join(STAGE_HELP)}")
    facts = FactsStage(settings) if "facts" in wanted or "column" in wanted else None
    built: dict[str, Stage] = {}
    if "facts" in wanted and facts is not None:
        built["facts"] = facts
    if "topics" in wanted:
        built["topics"] = TopicsStage(settings)
    if "column" in wanted:
        built["column"] = ColumnStage(settings, facts)
    if "summary" in wanted:
        built["summary"] = SummaryStage(settings)
    # Per-article stages run facts first (column reads them), whatever order the setting lists.
    order = [name for name in STAGE_HELP if name in built]
    pipeline = Pipeline([built[name] for name in order], DuplicatesStage(settings) if "duplicates" in wanted else None)
    log.info(
        "enrichment stages on: %s; off: %s",
        ", ".join(pipeline.names) or "none",
        ", ".join(name for name in STAGE_HELP if name not in pipeline.names) or "none",
    )
    return pipeline
