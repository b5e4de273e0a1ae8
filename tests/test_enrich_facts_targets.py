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


def test_yearly_targets_inside_a_period_fall_due_at_its_end() -> None:
    text = "计划提出，2024—2026年，每年新增数据商30家，每年举办对接活动不少于20场。"
    assert [(t[0], t[3], t[4]) for t in _targets(text, dt.date(2024, 3, 1))] == [(2026, 30.0, "家"), (2026, 20.0, "场")]


def test_a_period_in_brackets_is_part_of_a_name_not_a_deadline() -> None:
    assert _targets("行动计划（2024—2026年），全省新增数据商30家。", dt.date(2024, 3, 1)) == []


def test_numbers_written_in_chinese_count_when_they_are_figures() -> None:
    text = "到2027年，推动十万家中小企业上云，培育服务商三十家，规上企业数字化改造覆盖率达到八成以上。"
    assert [(t[2], t[3], t[4]) for t in _targets(text)] == [("=", 100000.0, "家"), ("=", 30.0, "家"), (">=", 80.0, "%")]


def test_chinese_count_words_and_vague_numbers_are_not_figures() -> None:
    assert _targets("到2027年，打造一批示范项目，形成两个中心，服务上百家企业，走进千家万户。") == []


def test_within_the_year_is_the_publication_year() -> None:
    assert _targets("年内实现高频事项“一网通办”500项以上。", dt.date(2025, 3, 1))[0][0] == 2025
    assert _targets("三年内实现高频事项“一网通办”500项以上。", dt.date(2025, 3, 1))[0][0] is None


def test_eligibility_conditions_of_a_subsidy_are_not_targets() -> None:
    text = (
        "到2026年，全市数据商达到200家。对上年度营业收入超过2000万元、研发投入占比不低于3%的企业，按合同金额"
        "发放算力券。申请企业须上年度研发费用不低于100万元。营收超十亿元企业不在支持范围。"
    )
    assert [(t[0], t[3], t[4]) for t in _targets(text, dt.date(2025, 1, 1))] == [(2026, 200.0, "家")]


def test_a_chinese_figure_after_a_verb_counts_but_not_per_ten_thousand() -> None:
    assert [t[3] for t in _targets("到2026年，建成三十个示范平台，每万人拥有算力达到50PFLOPS。")] == [30.0, 50.0]
