"""Filters and facet counts."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError

import policydigest
from policydigest.enrichment import AuthorityFact, DocumentFact, Enrichment, Facts, RegionFact, TopicLabel, Topics
from policydigest.model import Article, Block
from policydigest.search import IndexedArticle, Query, SearchIndex, indexed_article
from policydigest.search.facets import (
    BROWSABLE,
    FACET_BY_NAME,
    FACET_NAMES,
    FACETS,
    FacetSource,
    date_number,
    facet_counts,
    number_date,
)
from policydigest.store.articles import IssuePlacement, StoredArticle
from tests.search_data import fixture_index


def test_dates_round_trip_through_their_index_numbers() -> None:
    day = dt.date(2024, 12, 30)
    assert number_date(date_number(day)) == day
    assert number_date(date_number(None)) is None


def test_blank_filter_values_match_nothing_rather_than_everything() -> None:
    index = fixture_index()
    assert index.search(Query(columns=["  "])).total == 0


def test_undated_articles_are_left_out_by_a_date_filter_only() -> None:
    index = SearchIndex.in_memory()
    index.add(
        [
            IndexedArticle(id=1, title="算力", body=""),
            IndexedArticle(id=2, title="算力", body="", date=dt.date(2025, 1, 1)),
        ]
    )
    assert index.search(Query(text="算力")).total == 2
    assert [h.id for h in index.search(Query(text="算力", until=dt.date(2025, 6, 1))).hits] == [2]


def test_every_facet_is_counted_most_frequent_first() -> None:
    result = fixture_index().search(Query(text="数据"))
    assert set(result.facets) == set(FACET_NAMES)
    counts = [c.count for c in result.facets["column"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == result.total  # every fixture article has one column


def test_numeric_bucket_keys_become_plain_strings() -> None:
    found = facet_counts({"issue": {"buckets": [{"key": 57.0, "doc_count": 2}]}})
    assert [(c.value, c.count) for c in found["issue"]] == [("57", 2)]


def test_no_facets_are_counted_when_not_asked() -> None:
    assert fixture_index().search(Query(text="数据", facets=False)).facets == {}


# ---- the declaration is the one list --------------------------------------------------------------

#: An article with a value for every facet: stored fields and enrichment as the pipeline writes it.
RICH_ARTICLE = Article(
    id=1,
    title="遵义发放算力券",
    blocks=[Block.paragraph("支持算力券发放。")],
    column="地方新政",
    source="贵州省大数据发展管理局",
    enrichment=Enrichment(
        facts=Facts(
            regions=[
                RegionFact(text="遵义", start=0, end=2, name="遵义市", level="prefecture", province="贵州省", code=None)
            ],
            authorities=[
                AuthorityFact(
                    text="工信部", start=9, end=12, name="工业和信息化部", level="national", region=None,
                    joint_count=None,
                )
            ],
            documents=[
                DocumentFact(
                    text="《算力券管理办法》", start=13, end=22, name="算力券管理办法", kind="办法", status=None
                )
            ],
        ),
        topics=Topics(labels=[TopicLabel(id="computing_power", label="算力", score=1.0)]),
    ),
)
#: The issue that carried it.
PLACED = IssuePlacement(series="数字经济观察", number=8, total_number=57, date=dt.date(2025, 3, 14), column="地方新政")


def test_every_declared_facet_is_read_indexed_filtered_by_its_query_key_and_counted() -> None:
    article = indexed_article(StoredArticle(RICH_ARTICLE, (PLACED,)))
    index = SearchIndex.in_memory()
    index.add([article, IndexedArticle(id=2, title="算力", body="")])
    for facet in FACETS:
        assert article.facet(facet.name), f"{facet.name} is not read from the article"
        for key in article.filter_keys(facet.name):
            result = index.search(Query(**{facet.query_key: [key]}))  # type: ignore[arg-type]
            assert [h.id for h in result.hits] == [1], f"{facet.query_key}={key}"
            assert {c.value for c in result.facets[facet.name]} == set(article.facet(facet.name))


def test_a_hierarchical_facet_counts_the_value_holding_each_value_too() -> None:
    region = FACET_BY_NAME["region"]
    source = FacetSource(enrichment=RICH_ARTICLE.enrichment)
    assert region.hierarchical and region.collect(source)[0] == ("遵义市", "贵州省")
    assert replace(region, hierarchical=False).collect(source)[0] == ("遵义市",)


def test_a_filter_on_a_facet_nobody_declared_is_refused() -> None:
    with pytest.raises(ValidationError, match="没有名为 industry 的分面"):
        Query(filters={"industry": ["数据"]})
    with pytest.raises(ValidationError, match="不是数字"):
        Query(issues=["第57期"])


def _named_facets(node: ast.AST) -> set[str]:
    """The facets a literal, call, signature or class names (by name, query key, route or label)."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        found = [s for e in node.elts for s in _strings(e)]
    elif isinstance(node, ast.Dict):
        found = [s for k in node.keys if k is not None for s in _strings(k)]
    elif isinstance(node, ast.Call):
        found = [k.arg for k in node.keywords if k.arg]
    elif isinstance(node, ast.FunctionDef):
        found = [p.arg for p in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]]
    elif isinstance(node, ast.ClassDef):
        found = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    else:
        return set()
    return {FACET_WORDS[w] for w in found if w in FACET_WORDS}


def _strings(node: ast.AST) -> list[str]:
    items = node.elts if isinstance(node, ast.Tuple) else [node]  # (name, href, label) rows count too
    return [e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)]


#: Every word that names a facet, but the stored article's own fields (column, source), which
#: appear wherever articles do.
FACET_WORDS = {
    word: f.name
    for f in FACETS
    for word in (f.name, f.query_key, f.param, f.route, f.label)
    if word and word not in Article.model_fields
}


#: Classes whose fields share facet names but are something else: the profile's ranking weights.
NOT_FACETS = {("profile.py", "Ranking")}
#: Known copies still to derive from FACETS. Each entry is one file; remove it once derived.
KNOWN_COPIES: set[str] = set()
#: Migrations are history: each names the schema as it was then, whatever FACETS says now.
HISTORY = Path("store") / "migrations"


def test_no_module_but_the_declaration_lists_the_facets() -> None:
    package = Path(policydigest.__file__).parent
    copies = [
        f"{path.relative_to(package)}:{node.lineno} {sorted(named)}"
        for path in sorted(package.rglob("*.py"))
        if path != package / "search" / "facets.py" and not path.relative_to(package).is_relative_to(HISTORY)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (path.name, getattr(node, "name", None)) not in NOT_FACETS and len(named := _named_facets(node)) >= 3
    ]
    unknown = [copy for copy in copies if copy.split(":")[0] not in KNOWN_COPIES]
    assert unknown == []
    assert {copy.split(":")[0] for copy in copies} == KNOWN_COPIES, "a known copy was derived: drop it from the list"
    for template in sorted(package.rglob("*.j2")):
        text = template.read_text(encoding="utf-8")
        routes = [f.route for f in BROWSABLE if f'"/{f.route}"' in text]
        assert len(routes) < 3, f"{template.name} lists the browse pages {routes}"
