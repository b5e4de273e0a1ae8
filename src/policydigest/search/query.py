"""What a reader asks: the query text parsed into terms, plus filters, order and page.

Query syntax (what a Chinese reader types):

- ``数据要素 贵州`` — every word must occur (AND); a word is found wherever it occurs, inside longer
  words too (数据交易所 in 贵阳大数据交易所).
- ``"人工智能 大模型"`` (or “…”, 「…」) — the exact phrase, spaces included.
- ``GPT*`` — Latin words starting with GPT; Chinese already matches inside words, so a trailing * on
  Chinese changes nothing.
- ``-征求意见稿`` — articles without this word.
- Traditional characters are converted to simplified first (數據要素 → 数据要素, OpenCC t2s).

A run of Chinese typed without spaces (贵州算力) is first searched as written; when that finds
nothing it is split with the domain dictionary (贵州 + 算力) and searched again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from policydigest.search.facets import FACET_BY_NAME, FACETS

log = logging.getLogger(__name__)

_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\S+))')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Characters of a query text that are searched (a longer text is cut, and the reader told).
MAX_QUERY_CHARS = 1000
#: Longest query text accepted at all.
MAX_TEXT = 100_000
#: Distinct terms searched at most (the first ones).
MAX_TERMS = 32


class SortOrder(StrEnum):
    """Order of the hits."""

    RELEVANCE = "relevance"
    DATE = "date"  # newest first


class Query(BaseModel):
    """A search: text (may be empty), filters (each a list: any of the values), order and page.

    >>> Query(text="算力", regions=["贵州"], issues=[57], limit=5).filters
    {'region': ['贵州'], 'issue': ['57']}
    """

    text: str = Field(
        default="",
        max_length=MAX_TEXT,
        description=f'Words, "phrases", prefix*, -exclusions (the first {MAX_QUERY_CHARS} characters count).',
    )
    filters: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Facet name → any of these values (see search.facets.FACETS); Query(regions=[…]) sets one too.",
    )
    since: dt.date | None = Field(default=None, description="Dated on or after this day.")
    until: dt.date | None = Field(default=None, description="Dated on or before this day.")
    sort: SortOrder = Field(default=SortOrder.RELEVANCE, description="relevance, or date (newest first).")
    limit: int = Field(default=10, ge=0, le=1000, description="Hits to return.")
    offset: int = Field(default=0, ge=0, le=100_000, description="Hits to skip (paging).")
    facets: bool = Field(default=True, description="Count the hits per column, region, authority … too.")
    expand: bool = Field(
        default=True,
        description="Understand the query: leave out question words, search other forms (发改委 → "
        "国家发展和改革委员会), and when no article has every word, show those with most of them. "
        "False: exactly the words typed.",
    )
    closest: bool = Field(
        default=True,
        description="With expand: when no article has every word, show those with most of them "
        "(False for feeds: a subscribed search delivers only articles with every word).",
    )

    @model_validator(mode="before")
    @classmethod
    def _filters_by_query_key(cls, data: Any) -> Any:
        # Each facet's query key is a keyword of its own: Query(regions=["贵州"]).
        if not isinstance(data, dict) or not any(f.query_key in data for f in FACETS):
            return data
        given = {f.name: data[f.query_key] for f in FACETS if f.query_key in data}
        rest = {k: v for k, v in data.items() if k not in {f.query_key for f in FACETS}}
        return {**rest, "filters": {**(rest.get("filters") or {}), **given}}

    @field_validator("filters", mode="before")
    @classmethod
    def _known_facets(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        unknown = sorted(set(value) - set(FACET_BY_NAME))
        if unknown:
            raise ValueError(f"没有名为 {', '.join(unknown)} 的分面（分面有：{', '.join(FACET_BY_NAME)}）")
        return {name: _numbers(values) if FACET_BY_NAME[name].numeric else values for name, values in value.items()}

    @model_validator(mode="after")
    def _dates_in_order(self) -> Query:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"起始日期（{self.since}）晚于截止日期（{self.until}）")
        return self

    def has_filters(self) -> bool:
        """Whether any filter is set."""
        return bool(any(self.filters.values()) or self.since or self.until)


def _numbers(values: Any) -> Any:
    """A numeric facet's values as digit strings: Query(issues=[57]) and issues=["57"] are one filter."""
    if not isinstance(values, list | tuple):
        return values
    found = []
    for value in values:
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit():
            raise ValueError(f"{value!r} 不是数字")
        found.append(str(int(text)))
    return found


@dataclass(frozen=True)
class Term:
    """One thing the text asks for: a word or phrase, maybe a prefix, maybe excluded."""

    text: str  # simplified characters, as typed otherwise
    phrase: bool = False
    prefix: bool = False
    exclude: bool = False
    alternatives: tuple[str, ...] = ()  # other forms searched too (query understanding)

    def as_typed(self) -> str:
        """The term written back in query syntax.

        >>> Term("GPT", prefix=True).as_typed(), Term("征求意见稿", exclude=True).as_typed()
        ('GPT*', '-征求意见稿')
        """
        body = f'"{self.text}"' if self.phrase else self.text
        return ("-" if self.exclude else "") + body + ("*" if self.prefix else "")


@dataclass(frozen=True)
class ParsedQuery:
    """The terms of a query text."""

    terms: tuple[Term, ...]
    ignored: tuple[str, ...] = ()  # pieces without any letter, digit or character (a lone "+" or "(")

    def __post_init__(self) -> None:
        # The same word twice asks nothing more; a pasted page asks no more than MAX_TERMS words.
        object.__setattr__(self, "terms", tuple(dict.fromkeys(self.terms))[:MAX_TERMS])

    @property
    def required(self) -> list[Term]:
        return [t for t in self.terms if not t.exclude]

    @property
    def excluded(self) -> list[Term]:
        return [t for t in self.terms if t.exclude]

    def as_typed(self) -> str:
        """The terms written back in query syntax, e.g. after the dictionary split a run."""
        return " ".join(t.as_typed() for t in self.terms)


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s); simplified text is left as it is.

    >>> to_simplified("數據要素 算力")
    '数据要素 算力'
    """
    if not _CJK.search(text):
        return text
    return str(_converter().convert(text))


def parse_query(text: str) -> ParsedQuery:
    """The terms of ``text`` (see the module doc for the syntax).

    >>> [t.as_typed() for t in parse_query('數據要素 "人工智能 大模型" GPT* -征求意见稿').terms]
    ['数据要素', '"人工智能 大模型"', 'GPT*', '-征求意见稿']
    """
    terms: list[Term] = []
    ignored: list[str] = []
    for match in _TOKEN.finditer(to_simplified(_CONTROL.sub(" ", text[:MAX_QUERY_CHARS]))):
        minus, *quoted, bare = match.groups()
        phrase_text = next((q for q in quoted if q is not None), None)
        if phrase_text is not None:
            words = " ".join(phrase_text.split())
            if words:
                terms.append(Term(words, phrase=True, exclude=bool(minus)))
            continue
        word = bare or ""
        if not word.strip("-*"):
            continue  # a lone "-" or "*"
        if not any(ch.isalnum() for ch in word):
            ignored.append(minus + word)
            continue
        prefix = word.endswith("*") and len(word.strip("*")) > 0
        word = word.strip("*")  # a leading * means nothing: Chinese matches inside words anyway
        if word:
            terms.append(Term(word, prefix=prefix, exclude=bool(minus)))
    return ParsedQuery(tuple(terms), tuple(dict.fromkeys(ignored)))


def split_with_dictionary(parsed: ParsedQuery) -> ParsedQuery | None:
    """The query with each unquoted Chinese run split into dictionary words, or None if none splits.

    >>> split_with_dictionary(parse_query("贵州算力")).as_typed()
    '贵州 算力'
    """
    cutter = segmenter()
    if cutter is None:
        return None
    terms: list[Term] = []
    changed = False
    for term in parsed.terms:
        if term.phrase or term.exclude or not _CJK.search(term.text) or len(term.text) < 3:
            terms.append(term)
            continue
        words = [w for w in cutter.cut(term.text) if len(w) > 1 or not _CJK.search(w)]
        if len(words) > 1:
            changed = True
            terms.extend(
                replace(term, text=w, prefix=term.prefix and i == len(words) - 1, alternatives=())
                for i, w in enumerate(words)
            )
        else:
            terms.append(term)
    return ParsedQuery(tuple(terms), parsed.ignored) if changed else None


@lru_cache(maxsize=1)
def segmenter() -> Any:
    """The domain dictionary's segmenter (None when the enrichment stage is not installed)."""
    try:
        from policydigest.enrich.segment import get_segmenter
    except ImportError:  # segmentation ships with the enrichment stage; search works without it
        log.info("no segmenter available: queries typed without spaces are not split")
        return None
    return get_segmenter()
