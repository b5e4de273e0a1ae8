"""What the index holds for an article: text, dates, issues and the facets from enrichment."""

from __future__ import annotations

import datetime as dt

from policydigest.enrichment import AuthorityFact, DocumentFact, Enrichment, Facts, RegionFact, TopicLabel, Topics
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


def _region(text: str, name: str, province: str) -> RegionFact:
    return RegionFact(text=text, start=0, end=len(text), name=name, level="prefecture", province=province, code=None)


def _authority(text: str, name: str) -> AuthorityFact:
    return AuthorityFact(text=text, start=0, end=len(text), name=name, level="national", region=None, joint_count=None)


def _document(name: str, kind: str | None) -> DocumentFact:
    return DocumentFact(text=f"《{name}》", start=0, end=len(name) + 2, name=name, kind=kind, status=None)


def test_a_city_counts_for_its_province_and_surface_forms_are_filter_keys() -> None:
    facts = Facts(
        regions=[_region("遵义", "遵义市", "贵州省")],
        authorities=[_authority("工信部", "工业和信息化部")],
        documents=[_document("某办法", "办法"), _document("无类", None)],
    )
    topics = Topics(labels=[TopicLabel(id="computing_power", label="算力", score=3.0)])
    facets = enrichment_facets(Enrichment(facts=facts, topics=topics))
    assert facets["region"] == (("遵义市", "贵州省"), ("遵义市", "贵州省", "遵义", "贵州"))
    assert facets["authority"] == (("工业和信息化部",), ("工业和信息化部", "工信部"))
    assert facets["kind"] == (("办法",), ("办法",))
    assert facets["topic"] == (("算力",), ("算力", "computing_power"))


def test_topics_as_the_pipeline_stores_them_are_read() -> None:
    topics = {"labels": [{"id": "ai", "label": "人工智能与大模型", "score": 5.0, "keywords": ["大模型"]}]}
    stored = Article(title="t", enrichment={"topics": topics}).enrichment
    assert enrichment_facets(stored)["topic"] == (("人工智能与大模型",), ("人工智能与大模型", "ai"))


def test_malformed_stored_enrichment_gives_no_facets_rather_than_an_error() -> None:
    stored = Article(title="t", enrichment={"facts": {"regions": "贵州", "authorities": [None, 3]}, "topics": {"x": 1}})
    facets = enrichment_facets(stored.enrichment)
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
