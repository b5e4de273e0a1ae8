"""Follow-up links of one article to the documents and programmes it implements."""

from __future__ import annotations

from policydigest.enrich.facts import extract_facts
from policydigest.intel.documents import document_key, document_mentions
from policydigest.intel.followups import follow_ups

PLAN = document_key("“算力惠企”专项行动方案（2025—2027年）")


def _links(title: str, body: str) -> list[tuple[str, str]]:
    mentions = document_mentions(title, body, extract_facts(title + "\n" + body))
    return [(f.parent_key, f.relation) for f in follow_ups(title + "\n" + body, mentions, {"算力惠企": PLAN})]


def test_an_article_quoting_a_programme_in_its_own_words_continues_it() -> None:
    assert _links("湖南开展“算力惠企”对接活动", "湖南省工业和信息化厅近日启动“算力惠企”对接活动。") == [
        (PLAN, "continues_programme")
    ]


def test_a_programme_quoted_only_in_a_cited_title_is_not_continued() -> None:
    body = "长沙市人民政府印发《长沙市算力产业若干措施》。措施根据《湖南省“算力惠企”实施方案》制定。"
    assert _links("长沙出台算力产业措施", body) == [(document_key("湖南省“算力惠企”实施方案"), "according_to")]


def test_detailed_rules_placed_under_a_measure_are_linked_as_such() -> None:
    body = "长沙市数据局印发《长沙市数据交易实施细则》，作为《湖南省数据交易管理办法》的配套细则。"
    assert _links("长沙发布数据交易实施细则", body) == [(document_key("湖南省数据交易管理办法"), "detailed_rules")]
