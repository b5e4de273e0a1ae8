"""What the index holds for an article: text, dates, issues and the facets from enrichment."""

from __future__ import annotations

import datetime as dt

from policydigest.model import Article, Block, Issue
from policydigest.search.documents import enrichment_facets, load_articles
from policydigest.search.facets import region_short_name
from policydigest.store import open_store


def test_region_names_lose_their_suffix_for_filtering() -> None:
    assert [region_short_name(n) for n in ("贵州省", "贵阳市", "宁夏回族自治区", "观山湖区", "北京")] == [
        "贵州",
        "贵阳",
        "宁夏",
        "观山湖",
        "北京",
    ]


def test_a_city_counts_for_its_province_and_surface_forms_are_filter_keys() -> None:
    facts = {
        "regions": [{"text": "遵义", "name": "遵义市", "province": "贵州省"}],
        "authorities": [{"text": "工信部", "name": "工业和信息化部"}],
        "documents": [{"name": "某办法", "kind": "办法"}, {"name": "无类", "kind": None}],
    }
    topics = [{"id": "computing_power", "label": "算力"}]
    facets = enrichment_facets({"facts": facts, "topics": topics})
    assert facets["region"] == (("遵义市", "贵州省"), ("遵义市", "贵州省", "遵义", "贵州"))
    assert facets["authority"] == (("工业和信息化部",), ("工业和信息化部", "工信部"))
    assert facets["kind"] == (("办法",), ("办法",))
    assert facets["topic"] == (("算力",), ("算力", "computing_power"))


def test_topics_as_the_pipeline_stores_them_are_read() -> None:
    topics = {"labels": [{"id": "ai", "label": "人工智能与大模型", "score": 5.0, "keywords": ["大模型"]}]}
    assert enrichment_facets({"topics": topics})["topic"] == (("人工智能与大模型",), ("人工智能与大模型", "ai"))


def test_malformed_enrichment_gives_no_facets_rather_than_an_error() -> None:
    facets = enrichment_facets({"facts": {"regions": "贵州", "authorities": [None, 3]}, "topics": {"x": 1}})
    assert all(values == () for values, _keys in facets.values())


def test_stored_articles_get_the_issue_date_and_numbers_and_the_placed_column() -> None:
    store = open_store("sqlite://")
    article = Article(title="算力券", column="数谷动态", blocks=[Block.paragraph("正文"), Block.table([["a", "b"]])])
    for total in (7, 8):
        store.save_issue(
            Issue(series="s", number=total, total_number=total, date=dt.date(2025, 1, total), articles=[article])
        )
    [loaded] = load_articles(store, [1, 99])
    assert (loaded.id, loaded.date) == (1, dt.date(2025, 1, 7))
    assert (loaded.facet("column"), loaded.facet("issue")) == (("数谷动态",), ("7", "8"))
    assert loaded.body == "正文\na\tb"
