"""The index document of an article."""

from __future__ import annotations

import datetime as dt

import tantivy

from policydigest.search import IndexedArticle
from policydigest.search.facets import FACETS, date_number
from policydigest.search.schema import CONTENT_SEPARATOR, sample_slot, split_content, to_document, to_documents
from policydigest.search.text import index_terms


def test_an_article_becomes_text_terms_stored_content_and_facet_values() -> None:
    article = IndexedArticle(
        id=9,
        title="算力券",
        body="遵义发放",
        date=dt.date(2025, 3, 12),
        facets={"column": ("数谷动态",), "issue": ("57",), "region": ("遵义市", "贵州省")},
        keys={"region": ("遵义市", "贵州省", "遵义", "贵州")},
    )
    fields = to_document(article).to_dict()
    assert fields["id"] == [9] and fields["date"] == [20250312] and fields["issue"] == [57]
    assert fields["region"] == ["遵义市", "贵州省"]
    assert fields["region_key"] == ["遵义市", "贵州省", "遵义", "贵州"]
    assert fields["title"][0].split(" ")[:2] == ["算力", "力券"]
    assert split_content(bytes(fields["content"][0])) == ("算力券", "遵义发放")


def test_content_keeps_a_body_that_contains_the_separator() -> None:
    raw = f"标题{CONTENT_SEPARATOR}正文{CONTENT_SEPARATOR}续".encode()
    assert split_content(raw) == ("标题", f"正文{CONTENT_SEPARATOR}续")


def _document_value_by_value(article: IndexedArticle) -> tantivy.Document:
    """The index document built plainly, one call per value: what the one-call construction must equal."""
    doc = tantivy.Document()
    doc.add_integer("id", article.id)
    doc.add_text("text", index_terms(f"{article.title}\n{article.body}"))
    doc.add_text("title", index_terms(article.title))
    doc.add_bytes("content", f"{article.title}{CONTENT_SEPARATOR}{article.body}".encode())
    for facet in FACETS:
        for value in article.facet(facet.name):
            if facet.numeric:
                doc.add_integer(facet.name, int(value))
            else:
                doc.add_text(facet.name, value)
        if facet.aliases:
            for key in article.filter_keys(facet.name):
                doc.add_text(facet.keys_field, key)
    doc.add_integer("date", date_number(article.date))
    doc.add_integer("sample", sample_slot(article.id))
    return doc


def test_documents_hold_the_same_fields_as_built_value_by_value() -> None:
    every_facet = {facet.name: ("12", "7") if facet.numeric else (f"{facet.label}甲", "乙") for facet in FACETS}
    articles = [
        IndexedArticle(id=1, title="", body=""),
        IndexedArticle(
            id=2**40,
            title=" AI＋算力 ",
            body="ΟΔΟΣ\n\n数据",
            date=dt.date(2024, 1, 31),
            facets=every_facet,
            keys={"region": ("贵州", "黔"), "topic": ()},
        ),
        IndexedArticle(id=3, title="标题", body="正文", facets={"region": ("贵阳市",), "column": ()}),
    ]
    assert [doc.to_dict() for doc in to_documents(articles)] == [
        _document_value_by_value(article).to_dict() for article in articles
    ]
