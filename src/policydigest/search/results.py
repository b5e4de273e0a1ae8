"""What a search answers: the hits (with snippets) and the result around them (total, facets, notes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from policydigest.search.facets import FacetCount
from policydigest.search.query import MAX_QUERY_CHARS, Query


class SearchHit(BaseModel):
    """One article found."""

    id: int
    title: str
    column: str | None
    date: dt.date | None
    score: float = Field(description="Relevance (BM25; higher is better); 0 when sorted by date.")
    snippet: str = Field(description="Safe HTML: escaped text with <mark> around the matched words.")
    title_html: str = Field(description="Safe HTML title with <mark> around the matched words.")
    issues: list[int] = Field(default_factory=list, description="总期 numbers of the issues holding it.")
    matched: list[str] = Field(
        default_factory=list, description="When no article has every word: the words this one has."
    )


class Estimates(BaseModel):
    """Which counts of a search are estimates from a sample, and where its ranked hits start (``counting.py``);
    declared once for the result and the API's answer."""

    approximate: bool = Field(
        default=False,
        description="Whether total and facet counts are estimates from a sample (very common words), shown as 约.",
    )
    facets_approximate: bool = Field(
        default=False, description="Whether the facet counts are estimates from a sample (more than 2,000 hits)."
    )
    ranked_since: dt.date | None = Field(
        default=None,
        description="With very many matches: the hits are the most relevant of those since this day (the newest).",
    )


class Answer(Estimates):
    """What a search answers, as the library, the API (with paging) and ``search --json`` give it; declared
    once for all three."""

    total: int = Field(description="Articles found in all (an estimate when approximate).")
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]] = Field(default_factory=dict)
    searched: str = Field(description="The query text as searched (after t2s, and the dictionary split if any).")
    split: bool = Field(default=False, description="Whether unspaced words were split with the dictionary.")
    dropped: list[str] = Field(default_factory=list, description="Question words left out (哪些, 了, 吗 …).")
    also_searched: list[str] = Field(default_factory=list, description="Other forms searched too (AI → 人工智能).")
    partial: list[str] = Field(
        default_factory=list,
        description="Empty when the hits have every word; else no article has them all, and the best hit has these.",
    )
    related: list[int] = Field(
        default_factory=list,
        description="Ids of the articles found by meaning alone (semantic recall, when on), counted in total too.",
    )
    took_ms: float = 0.0


class SearchResult(Answer):
    """The hits of a query, how many there are in all, and the facet counts."""

    query: Query
    cut: bool = Field(default=False, description=f"Whether the text was cut to its first {MAX_QUERY_CHARS} characters.")
    ignored: list[str] = Field(default_factory=list, description="Pieces of the text without any word (+, ( …).")

    def answer(self) -> dict[str, Any]:
        """The fields of :class:`Answer` with the notes, for the API's answer and ``search --json``.

        >>> sorted(SearchResult(query=Query(text="AI"), total=0, hits=[], searched="AI").answer())[:3]
        ['also_searched', 'approximate', 'dropped']
        """
        return {name: getattr(self, name) for name in Answer.model_fields} | {"notes": self.notes}

    @property
    def notes(self) -> list[str]:
        """What the reader should know about how the query was searched, in Chinese.

        >>> SearchResult(query=Query(text="AI"), total=0, hits=[], searched="AI", also_searched=["人工智能"]).notes
        ['也搜索了：人工智能']
        """
        notes = [f"查询过长，只检索了前{MAX_QUERY_CHARS}个字符。"] if self.cut else []
        if self.ignored:
            notes.append(f"忽略了不含文字的部分：{' '.join(self.ignored)}")
        if self.split:
            shown = self.searched if len(self.searched) <= 80 else self.searched[:80] + "…"
            notes.append(f"按“{shown}”分词检索。")
        if self.dropped:
            notes.append(f"略去了：{'、'.join(self.dropped)}")
        if self.also_searched:
            notes.append(f"也搜索了：{'、'.join(self.also_searched)}")
        if self.partial:
            notes.append(f"没有同时包含全部词语的结果，以下结果包含：{'、'.join(self.partial)}")
        if self.approximate:
            notes.append("命中的文章很多，总数和各分类的篇数是按抽样估算的约数。")
        elif self.facets_approximate:
            notes.append("命中的文章较多，各分类的篇数是按抽样估算的约数。")
        if self.ranked_since:
            notes.append(f"按相关度排列的是{self.ranked_since:%Y年%-m月%-d日}以来的文章；可按日期排序或加筛选条件缩小范围。")
        if self.related:
            notes.append(f"另按语义补充了{len(self.related)}篇内容相近的文章。")
        return notes
