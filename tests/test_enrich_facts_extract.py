"""extract_facts as a whole: spans, main region, page breaks and bad input."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from policydigest.enrich.facts import Facts, extract_facts
from policydigest.enrich.facts.extract import MAX_CHARS

ARTICLE = (
    "示例省印发算力行动计划\n"
    "近日，甘肃省工信厅、省发改委等六部门联合印发《甘肃省示例算力三年行动计划（2024—2026年）》，"
    "自2024年7月1日起施行。到2026年，全省算力规模超过30EFLOPS，对示范项目给予最高不超过100万元奖励。"
)


def _spans_point_at_their_text(text: str, facts: Facts) -> None:
    for kind in ("documents", "authorities", "regions", "dates", "targets", "money"):
        for fact in getattr(facts, kind):
            assert text[fact.start : fact.end] == fact.text, (kind, fact)


def test_every_fact_kind_is_found_in_a_small_article_with_exact_spans() -> None:
    facts = extract_facts(ARTICLE, published=dt.date(2024, 4, 12))
    assert [d.kind for d in facts.documents] == ["计划"]
    assert [a.name for a in facts.authorities] == ["甘肃省工业和信息化厅", "甘肃省发展和改革委员会"]
    assert [r.name for r in facts.regions] == ["甘肃省"]
    assert {d.role for d in facts.dates} >= {"effective", "deadline", "period"}
    assert [(t.subject, t.region) for t in facts.targets] == [("算力规模", "甘肃省")]
    assert [(m.amount, m.kind) for m in facts.money] == [(1_000_000.0, "cap")]
    _spans_point_at_their_text(ARTICLE, facts)


def test_a_department_broken_by_a_page_break_is_found_and_its_span_covers_the_break() -> None:
    text = (
        "标题\n根据工信部有关规定，并结合本省实际情况和工作需要，经研究决定，湖南省工\n业和信息化厅近日印发了管理办法。"
    )
    facts = extract_facts(text)
    office = next(a for a in facts.authorities if a.name == "湖南省工业和信息化厅")
    assert "\n" in office.text
    _spans_point_at_their_text(text, facts)


def test_the_result_is_json_serialisable_for_the_pipeline() -> None:
    dumped = extract_facts(ARTICLE).model_dump(mode="json")
    assert set(dumped) == {"documents", "authorities", "regions", "dates", "targets", "money"}


def test_empty_and_punctuation_only_text_give_empty_facts() -> None:
    for text in ["", "   \n ", "。，；！？《》“”" * 20]:
        assert extract_facts(text) == Facts()


def test_a_megabyte_of_text_is_cut_and_still_answered() -> None:
    text = ("贵阳发布措施，给予最高100万元奖励。" * 60_000)[:1_000_000]
    facts = extract_facts(text)
    assert facts.regions[0].name == "贵阳市"
    assert all(m.end <= MAX_CHARS for m in facts.money)


def test_mixed_scripts_do_not_crash() -> None:
    text = "Title\nالعربية русский 日本語 한국어 emoji 🙂 贵州 ½ ２０２４年 \x00 \ufeff 100万元"
    _spans_point_at_their_text(text, extract_facts(text))


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("贵州阳市省工信厅到年月日万元%以上超过《》（）\n，。0123456789")),
        max_size=200,
    )
)
def test_any_text_of_policy_characters_gives_facts_with_valid_spans(text: str) -> None:
    _spans_point_at_their_text(text, extract_facts(text))
