"""Quantitative targets: deadline, subject, comparator, value, unit, region."""

from __future__ import annotations

import datetime as dt

from policydigest.enrich.facts.targets import extract_targets


def _targets(text: str, published: dt.date | None = None) -> list[tuple[int | None, str, str, float, str]]:
    return [(t.deadline_year, t.subject, t.comparator, t.value, t.unit) for t in extract_targets(text, published)]


def test_the_example_of_the_issue_is_read_in_full() -> None:
    text = "提出：到2026年，全省空间布局合理。计算力方面，全省算力规模超过30EFLOPS。"
    assert _targets(text) == [(2026, "算力规模", ">", 30.0, "EFLOPS")]


def test_ten_thousands_and_at_least_are_understood() -> None:
    assert _targets("到2027年，推动1.5万家以上中小企业实施数字化转型。") == [
        (2027, "中小企业实施数字化转型", ">=", 15000.0, "家")
    ]


def test_a_threshold_in_a_goal_sentence_is_a_target_without_deadline() -> None:
    assert _targets("力争标志性产业链布局比重不低于70%。") == [(None, "标志性产业链布局比重", ">=", 70.0, "%")]


def test_money_targets_keep_yuan_as_unit() -> None:
    assert _targets("到2026年底，累计交易额突破100亿元。") == [(2026, "交易额", ">", 1e10, "元")]


def test_this_year_is_the_publication_year() -> None:
    assert _targets("今年内推动5000家以上企业上云。", dt.date(2024, 5, 13))[0][0] == 2024


def test_a_page_break_inside_a_paragraph_keeps_the_deadline() -> None:
    text = "到2026年，建成3个示范区，打造\n10个平台。"
    assert [t[0] for t in _targets(text)] == [2026, 2026]


def test_a_new_paragraph_drops_the_deadline() -> None:
    text = "到2026年，建成3个示范区。\n制定了17项具体任务。"
    assert [t[3] for t in _targets(text)] == [3.0]


def test_statistics_are_not_targets() -> None:
    assert _targets("截至2023年底，累计建成5G基站337.7万个，算力总规模已超过230EFLOPS。") == []


def test_subsidy_rules_and_conditions_are_not_targets() -> None:
    text = "到2026年，对年交易额超过2000万元的平台，按不超过20%给予补贴，最高不超过100万元。"
    assert _targets(text) == []


def test_ranges_count_from_their_lower_bound() -> None:
    assert _targets("到2026年，建成3—5个以上标识解析二级节点。")[0][2:] == (">=", 3.0, "个")


def test_about_means_equal_and_within_means_at_most() -> None:
    assert [t[2] for t in _targets("到2027年，研发投入强度达到2.8%左右，时延3ms以内。")] == ["=", "<="]


def test_numbers_in_document_titles_are_not_targets() -> None:
    assert _targets("到2026年，落实《三年行动计划（2024—2026年）》中的100项任务。")[0][3] == 100.0


def test_the_region_comes_from_the_callback() -> None:
    [target] = extract_targets("到2026年，全省建成10个园区。", region_for=lambda clause: "甘肃省")
    assert target.region == "甘肃省"


def test_bad_input_gives_no_targets() -> None:
    for text in ["", "到2026年", "30EFLOPS", "。" * 100, "1" * 5000 + "个"]:
        assert isinstance(extract_targets(text), list)


def test_the_end_of_a_span_of_past_years_is_not_a_deadline() -> None:
    assert _targets("从2016年到2018年，营业支出分别为34.5亿元和50.9亿元。") == []


def test_a_deadline_already_past_at_publication_is_not_a_deadline() -> None:
    assert _targets("到2015年，建成10个园区。", dt.date(2024, 1, 1)) == []
