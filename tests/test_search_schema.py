"""The index document of an article."""

from __future__ import annotations

import datetime as dt

from policydigest.search import IndexedArticle
from policydigest.search.schema import CONTENT_SEPARATOR, split_content, to_document


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
