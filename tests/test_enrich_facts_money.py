"""Money: amounts with currency and kind, subsidy ratios."""

from __future__ import annotations

from policydigest.enrich.facts.money import extract_money


def _money(text: str) -> list[tuple[float, str, str]]:
    return [(m.amount, m.currency, m.kind) for m in extract_money(text)]


def test_a_cap_is_an_amount_after_at_most() -> None:
    assert _money("每家最高不超过100万元。") == [(1_000_000.0, "CNY", "cap")]


def test_a_total_in_dollars_is_converted_with_its_multiplier() -> None:
    assert _money("公布了一项价值2.85亿美元的投资计划") == [(285_000_000.0, "USD", "total")]


def test_a_subsidy_ratio_is_a_fraction() -> None:
    [fact] = extract_money("按投资额的30%给予补贴")
    assert (fact.kind, fact.ratio, fact.amount, fact.currency) == ("ratio", 0.3, 0.3, "%")


def test_a_percentage_outside_a_subsidy_is_not_money() -> None:
    assert _money("流量占比不低于70%") == []


def test_awards_subsidies_and_investments_are_told_apart() -> None:
    assert _money("分别给予50万元奖励；补贴20万元；投资3亿元建设") == [
        (500_000.0, "CNY", "award"),
        (200_000.0, "CNY", "subsidy"),
        (300_000_000.0, "CNY", "investment"),
    ]


def test_a_threshold_condition_is_other() -> None:
    assert _money("对年交易额超过2000万元的平台") == [(20_000_000.0, "CNY", "other")]


def test_spaces_commas_and_chinese_numerals_before_a_magnitude_are_read() -> None:
    assert _money("合计 1,200 万元；估值超千亿元") == [(12_000_000.0, "CNY", "total"), (1e11, "CNY", "total")]


def test_vague_amounts_and_words_that_contain_yuan_are_skipped() -> None:
    assert _money("数百亿美元的资金，元宇宙产业，第3元素") == []


def test_numbers_inside_latin_tokens_are_not_amounts() -> None:
    assert _money("IPv6设备与NAT44") == []


def test_bad_input_gives_no_money() -> None:
    for text in ["", "元", "%", "万亿元", "。，" * 100]:
        assert _money(text) == []
