"""Ranking: national before local, home region, authority, topics, recency, source — each explained."""

from __future__ import annotations

import datetime as dt

import pytest

from policydigest.compose.columns import assign_column
from policydigest.compose.rank import score_article
from policydigest.enrichment import AuthorityFact, ColumnDecision, Enrichment, Facts, TopicLabel, Topics
from policydigest.model import Article, Block
from policydigest.profile import Profile, load_profile

ISSUE_DATE = dt.date(2025, 3, 28)
LOCAL = ColumnDecision(column="地方新政", role="local", confidence=0.8)


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


def _article(title: str, source: str | None, *, days: int = 2, url: str | None = None, **extra: object) -> Article:
    return Article(
        title=title,
        source=source,
        url=url,
        published=ISSUE_DATE - dt.timedelta(days=days),
        blocks=[Block.paragraph("会议部署了年度重点工作。")],
        **extra,  # type: ignore[arg-type]
    )


def _score(article: Article, profile: Profile, column: str | None = None) -> tuple[float, list[str]]:
    column = column or assign_column(article, profile)[0]
    scored = score_article(article, column=column, issue_date=ISSUE_DATE, profile=profile)
    return scored.score, [part.label for part in scored.parts]


def test_national_outranks_provincial_outranks_city_all_else_equal(profile: Profile) -> None:
    national, _ = _score(_article("某部印发通知", "商务部"), profile, "国策要论")
    provincial, _ = _score(_article("某省印发通知", "浙江省商务厅"), profile, "国策要论")
    city, _ = _score(_article("某市印发通知", "宁波市商务局"), profile, "国策要论")
    assert national > provincial > city


def test_every_score_is_the_sum_of_its_explained_parts(profile: Profile) -> None:
    article = _article(
        "国家数据局等4部门部署公共数据开发利用试点", "国家数据局", url="https://www.nda.example.gov.cn/a.html"
    )
    scored = score_article(article, column="国策要论", issue_date=ISSUE_DATE, profile=profile)
    labels = [part.label for part in scored.parts]
    assert scored.score == pytest.approx(sum(part.points for part in scored.parts))
    assert labels[0] == "国家级（推断） +30"
    assert "发文机关：国家数据局 +24" in labels
    assert "4部门联合发文 +6" in labels
    assert "关键词“公共数据”（标题） +5" in labels
    assert any(label.startswith("发布于2天前") for label in labels)
    assert "来源：政府网站 +10" in labels


def test_enrichment_facts_replace_the_guess_from_names(profile: Profile) -> None:
    office = AuthorityFact(
        text="国办", start=0, end=2, name="国务院办公厅", level="national", region=None, joint_count=None
    )
    facts = Enrichment(facts=Facts(authorities=[office]))
    _, labels = _score(_article("关于某事的通知", "某网站", enrichment=facts), profile, "国策要论")
    assert labels[:2] == ["国家级 +30", "发文机关：国务院 +30"]  # the table folds 国务院办公厅 into 国务院


def test_enrichment_topics_replace_keyword_matching(profile: Profile) -> None:
    label = TopicLabel(id="computing_power", label="算力与算力网络", score=9.0, keywords=["算力"])
    topics = Enrichment(topics=Topics(labels=[label]))
    _, with_topics = _score(_article("公共数据与算力", "某网站", enrichment=topics), profile, "产业前沿")
    _, with_keywords = _score(_article("公共数据与算力", "某网站"), profile, "产业前沿")
    assert "主题：算力与算力网络 +5" in with_topics
    assert not any("关键词" in label for label in with_topics)
    assert "关键词“公共数据”（标题） +5" in with_keywords
    no_topics = _article("公共数据与算力", "某网站", enrichment=Enrichment(topics=Topics()))
    _, none_found = _score(no_topics, profile, "产业前沿")
    assert not any("主题" in label or "关键词" in label for label in none_found)


def test_recency_halves_every_seven_days(profile: Profile) -> None:
    _, fresh = _score(_article("通知", "商务部", days=0), profile, "国策要论")
    _, week = _score(_article("通知", "商务部", days=7), profile, "国策要论")
    _, fortnight = _score(_article("通知", "商务部", days=14), profile, "国策要论")
    assert "当天发布 +10" in fresh and "发布于7天前 +5" in week and "发布于14天前 +2.5" in fortnight


def test_a_government_site_beats_official_media_beats_other_sources(profile: Profile) -> None:
    gov, _ = _score(_article("某事", "某网站", url="https://www.sz.example.gov.cn/x.html"), profile, "产业前沿")
    media, _ = _score(_article("某事", "新华社"), profile, "产业前沿")
    other, _ = _score(_article("某事", "某公众号"), profile, "产业前沿")
    none, _ = _score(_article("某事", None), profile, "产业前沿")
    assert gov > media > other > none


def test_home_region_news_goes_to_the_home_column_and_scores_there(profile: Profile) -> None:
    article = _article("贵阳出台数据标注产业十条措施", "贵阳市人民政府")
    column, reason = assign_column(article, profile)
    assert column == "数谷动态" and "贵阳" in reason
    _, labels = _score(article, profile, column)
    assert "本地新闻（贵阳） +10" in labels
    _, elsewhere = _score(_article("全国算力指数发布 贵阳首进前十", "某研究院"), profile, "产业前沿")
    assert "涉及本地（贵阳） +4" in elsewhere


def test_a_profile_weight_overrides_the_built_in_authority_table(profile: Profile) -> None:
    tuned = profile.model_copy(update={"ranking": profile.ranking.model_copy(update={"authorities": {"商务部": 29.0}})})
    _, labels = _score(_article("通知", "商务部"), tuned, "国策要论")
    assert "发文机关：商务部（编辑部权重） +29" in labels


@pytest.mark.parametrize(
    ("article", "column", "reason"),
    [
        (Article(title="t", enrichment=Enrichment(column=LOCAL)), "地方新政", "内容标注"),
        (Article(title="t", enrichment=Enrichment(column=LOCAL), column="国策要论"), "国策要论", "沿用原栏目"),
        (Article(title="t", column="产业前沿"), "产业前沿", "沿用原栏目"),
        (Article(title="财政部发布评估指导意见", source="财政部"), "国策要论", "发文机关为国家级，归入国策要论"),
        (Article(title="杭州出台若干措施", source="杭州市经济和信息化局"), "地方新政", "发文机关为市级，归入地方新政"),
        (Article(title="英国发布国家数据战略报告", source="某观察"), "产业前沿", "发文机关为境外机构"),
        (Article(title="某报告发布", source="某研究院"), "产业前沿", "无栏目线索"),
    ],
)
def test_columns_come_from_the_stored_column_then_enrichment_then_a_fallback(
    profile: Profile, article: Article, column: str, reason: str
) -> None:
    assigned, why = assign_column(article, profile)
    assert assigned == column
    assert why.startswith(reason)
