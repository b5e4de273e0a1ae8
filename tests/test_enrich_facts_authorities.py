"""Authorities: national aliases, local departments with their place, foreign ones, joint issuing."""

from __future__ import annotations

from policydigest.enrich.facts.authorities import extract_authorities
from policydigest.enrich.facts.model import AuthorityFact
from policydigest.enrich.facts.regions import find_regions


def _facts(text: str, province: str | None = None, city: str | None = None) -> list[AuthorityFact]:
    main = {}
    if province:
        main["province"] = find_regions(province)[0].place
    if city:
        main["prefecture"] = find_regions(city)[0].place
    return extract_authorities(text, find_regions(text), main)


def _names(text: str, province: str | None = None, city: str | None = None) -> list[str]:
    return [a.name for a in _facts(text, province, city)]


def test_national_abbreviations_are_normalised_to_full_names() -> None:
    assert _names("工信部、国家发展改革委和国家网信办") == [
        "工业和信息化部",
        "国家发展和改革委员会",
        "中央网络安全和信息化委员会办公室",
    ]


def test_an_office_inside_a_ministry_counts_as_the_ministry() -> None:
    assert _names("工业和信息化部办公厅、中央网信办秘书局") == [
        "工业和信息化部",
        "中央网络安全和信息化委员会办公室",
    ]


def test_a_local_department_gets_its_place_and_level() -> None:
    [office] = _facts("示例：甘肃省工信厅印发方案")
    assert (office.name, office.level, office.region) == ("甘肃省工业和信息化厅", "provincial", "甘肃省")


def test_a_bare_province_department_belongs_to_the_articles_province() -> None:
    assert _names("近日，省发改委、省科技厅发布通知", province="甘肃省") == [
        "甘肃省发展和改革委员会",
        "甘肃省科学技术厅",
    ]


def test_a_bare_city_department_belongs_to_the_articles_city() -> None:
    assert _names("市数据局与市财政局联合印发", city="太原市") == ["太原市数据局", "太原市财政局"]


def test_without_a_main_region_a_bare_department_is_not_guessed() -> None:
    assert _names("省发改委发布通知") == []


def test_party_committees_and_governments_have_full_names() -> None:
    assert _names("贵州省委、省政府部署", province="贵州省") == ["中共贵州省委员会", "贵州省人民政府"]


def test_joint_issuing_with_a_count_is_recorded_on_every_listed_authority() -> None:
    facts = _facts("甘肃省工信厅、省发改委等六部门联合印发", province="甘肃省")
    assert [a.joint_count for a in facts] == [6, 6]


def test_two_authorities_issuing_together_have_a_joint_count_of_two() -> None:
    assert [a.joint_count for a in _facts("财政部、国家网信办联合印发办法")] == [2, 2]


def test_a_single_authority_is_not_joint() -> None:
    assert [a.joint_count for a in _facts("财政部印发办法")] == [None]


def test_foreign_authorities_are_named_with_their_country() -> None:
    facts = _facts("美国防部与美国联邦国会参议院、欧盟网络安全局、荷兰数据保护局")
    assert [(a.name, a.level) for a in facts] == [
        ("美国国防部", "foreign"),
        ("美国参议院", "foreign"),
        ("欧盟网络安全局", "international"),
        ("荷兰数据保护局", "foreign"),
    ]


def test_a_bare_name_after_a_foreign_twin_is_the_foreign_one() -> None:
    assert _names("美国国务院周一表示，国务院将推进数字团结") == ["美国国务院"]


def test_departments_of_ministries_in_general_are_not_the_ministry() -> None:
    assert _names("推动各级工信部门强化监管") == []


def test_words_ending_like_a_department_are_not_departments() -> None:
    assert _names("在武汉市重点研发计划中布局项目，贵阳市会见国家数据局", city="武汉市") == ["国家数据局"]


def test_bad_input_gives_no_authorities() -> None:
    for text in ["", "部局厅", "，。", "省省省市市市", "Ministry of Industry"]:
        assert _names(text, province="贵州省") == []


def test_a_place_followed_by_a_shop_is_not_a_department() -> None:
    assert _names("香港茶餐厅与北京市教育厅") == ["北京市教育厅"]
