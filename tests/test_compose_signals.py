"""Ranking reads authorities and places from the facts stage's own table, whether or not that stage ran."""

from __future__ import annotations

import datetime as dt

import pytest

from policydigest.compose.rank import score_article
from policydigest.compose.signals import authority_of, authority_weight, home_mentions
from policydigest.enrich.pipeline import Pipeline, build_pipeline
from policydigest.model import Article, Block
from policydigest.profile import Profile, load_profile
from policydigest.settings import Settings

ISSUE_DATE = dt.date(2025, 3, 28)

#: Short news items written for this test in the style of the bulletin: title, source, body.
NEWS = {
    "国家发展改革委": (
        "国家发展改革委印发《关于加快推进数据基础设施建设的指导意见》",
        "国家发展改革委",
        "近日，国家发展改革委印发指导意见，提出到2027年基本建成全国一体化数据基础设施。",
    ),
    "发改委": (
        "发改委：今年将加快布局全国一体化算力网国家枢纽节点",
        "新华社",
        "记者从发改委获悉，今年将统筹推进算力网建设，引导东部算力需求向西部有序转移。",
    ),
    "工信部": (
        "工信部部署开展第三批中小企业数字化转型城市试点",
        None,
        "工信部日前印发通知，组织各地申报中小企业数字化转型城市试点，每个城市支持期为两年。",
    ),
    "网信办": (
        "网信办发布《个人信息出境认证办法（征求意见稿）》",
        "中国网信网",
        "为规范个人信息出境认证活动，网信办起草了认证办法，现向社会公开征求意见。",
    ),
    "国家数据局": (
        "国家数据局印发《数字中国建设2025年行动方案》",
        "国家数据局",
        "方案提出，到2025年底，数字中国建设整体布局规划体系化推进。",
    ),
    "浙江省": (
        "浙江省经济和信息化厅印发数据要素产业发展三年行动计划",
        "浙江省经济和信息化厅",
        "计划提出，到2027年全省数据产业规模突破3000亿元，培育数据商100家以上。",
    ),
    "广东省": (
        "广东省人民政府办公厅印发数字政府改革建设2025年工作要点",
        "广东省人民政府",
        "要点明确，今年全省将深化政务数据共享，推动公共数据资源开发利用。",
    ),
}


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


@pytest.fixture(scope="module")
def facts_stage() -> Pipeline:
    return build_pipeline(Settings(), ["facts"])


def _news(key: str) -> Article:
    title, source, body = NEWS[key]
    return Article(title=title, source=source, published=ISSUE_DATE, blocks=[Block.paragraph(body)])


def _authority_parts(article: Article, profile: Profile) -> tuple[float, str]:
    scored = score_article(article, column="国策要论", issue_date=ISSUE_DATE, profile=profile)
    level, authority = scored.parts[0], scored.parts[1]
    return level.points + authority.points, authority.reason.split("，")[0]


@pytest.mark.parametrize("key", list(NEWS))
def test_the_authority_weighs_the_same_whether_the_facts_stage_ran_or_not(
    key: str, profile: Profile, facts_stage: Pipeline
) -> None:
    plain = _news(key)
    enriched = facts_stage.enrich(plain)
    assert enriched.enrichment.facts is not None and enriched.enrichment.facts.authorities, "the facts stage ran"
    assert _authority_parts(enriched, profile) == _authority_parts(plain, profile)
    assert authority_of(enriched).name == authority_of(plain).name


def test_a_national_abbreviation_earns_the_full_names_weight(profile: Profile, facts_stage: Pipeline) -> None:
    for article in (_news("发改委"), facts_stage.enrich(_news("国家发展改革委"))):
        assert authority_weight(authority_of(article), profile.ranking) == (22.0, "发文机关：国家发展和改革委员会")


def test_a_profile_override_by_abbreviation_reaches_the_facts_full_name(
    profile: Profile, facts_stage: Pipeline
) -> None:
    tuned = profile.ranking.model_copy(update={"authorities": {"网信办": 27.0}})
    enriched = facts_stage.enrich(_news("网信办"))
    points, reason = authority_weight(authority_of(enriched), tuned)
    assert (points, reason) == (27.0, "发文机关：中央网络安全和信息化委员会办公室（编辑部权重）")


@pytest.mark.parametrize(
    ("title", "home"),
    [
        ("观山湖区上线公共数据授权运营平台", "观山湖区"),
        ("贵安新区新增两个智算中心", "贵安新区"),
        ("遵义推进工业互联网改造", "遵义"),
    ],
)
def test_any_place_of_the_home_province_is_home_news(title: str, home: str, profile: Profile) -> None:
    assert profile.home_region == "贵州"
    assert home_mentions(Article(title=title), profile.home_region) == home


def test_the_home_region_comes_from_the_profile_alone(profile: Profile) -> None:
    article = Article(title="宁夏发布算力券实施细则", source="宁夏回族自治区发展和改革委员会")
    assert home_mentions(article, profile.home_region) is None
    ningxia = profile.model_copy(update={"home_region": "宁夏"})
    assert home_mentions(article, ningxia.home_region) == "宁夏"
    labels = [p.label for p in score_article(article, column="数谷动态", issue_date=ISSUE_DATE, profile=ningxia).parts]
    assert "本地新闻（宁夏） +10" in labels
