"""Regions from the administrative-division tree, CLDR countries and blocs, with false hits avoided."""

from __future__ import annotations

from policydigest.enrich.facts.regions import extract_regions, find_regions


def _names(text: str) -> list[str]:
    return [r.name for r in extract_regions(text)]


def test_a_prefecture_city_knows_its_province_and_code() -> None:
    [city] = extract_regions("贵阳发布了新的措施")
    assert (city.name, city.level, city.province, city.code) == ("贵阳市", "prefecture", "贵州省", "520100")


def test_a_district_knows_its_province_and_a_province_is_its_own_province() -> None:
    district, province = extract_regions("观山湖区与贵州省合作")
    assert (district.name, district.level, district.province) == ("观山湖区", "district", "贵州省")
    assert (province.level, province.province) == ("province", "贵州省")


def test_short_forms_resolve_to_full_names() -> None:
    assert _names("贵州和贵阳贵安，黔南州与内蒙古") == [
        "贵州省",
        "贵阳市",
        "黔南布依族苗族自治州",
        "内蒙古自治区",
    ]


def test_place_names_inside_other_words_are_not_places() -> None:
    assert _names("大连接技术与南京路步行街，中山大学的中国式现代化研究") == []


def test_china_inside_an_organisation_name_is_not_the_country_but_china_alone_is() -> None:
    assert _names("中国人民银行发布数据") == []
    assert _names("我国数字经济规模居世界前列") == ["中国"]


def test_foreign_countries_and_blocs_have_their_own_levels() -> None:
    regions = extract_regions("美国、荷兰和欧盟与联合国")
    assert [(r.name, r.level, r.province) for r in regions] == [
        ("美国", "foreign", None),
        ("荷兰", "foreign", None),
        ("欧盟", "bloc", None),
        ("联合国", "bloc", None),
    ]
    assert regions[0].code == "US"


def test_formal_country_names_are_normalised() -> None:
    assert _names("中华人民共和国和法兰西共和国发表声明") == ["中国", "法国"]


def test_a_district_name_shared_by_two_cities_follows_the_city_in_the_text() -> None:
    district = next(r for r in extract_regions("广州市白云区发布") if r.name == "白云区")
    assert district.province == "广东省"


def test_a_shared_district_name_without_context_keeps_no_tree() -> None:
    [district] = extract_regions("白云区发布")
    assert (district.province, district.code) == (None, None)


def test_a_state_level_new_area_is_a_district_of_its_province() -> None:
    [area] = extract_regions("雄安新区建设")
    assert (area.level, area.province) == ("district", "河北省")


def test_every_mention_is_kept_in_find_regions_but_once_in_extract_regions() -> None:
    text = "贵阳，贵阳，贵阳"
    assert len(find_regions(text)) == 3
    assert len(extract_regions(text)) == 1


def test_bad_input_gives_no_regions_and_no_crash() -> None:
    for text in ["", "，。；", "Mixed script текст 日本語のテキスト", "\x00\x01", "贵" * 10000]:
        assert isinstance(extract_regions(text), list)


def test_china_inside_a_name_is_no_region_fact() -> None:
    for text in ("推进数字中国建设。", "中国（温州）数安港开园。", "构建“中国数谷”。"):
        assert "中国" not in [r.name for r in extract_regions(text)], text
    assert [r.name for r in extract_regions("中国将加快数据立法。")] == ["中国"]
