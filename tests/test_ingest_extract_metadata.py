"""Page metadata: CMS metas, headline without site suffix, date line, source line, canonical URL."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from policydigest.ingest.extract.dates import find_dates, parse_date
from policydigest.ingest.extract.dom import TextStream
from policydigest.ingest.extract.metadata import extract_metadata, find_title, meta_values


def meta_of(html: str, url: str | None = None):  # type: ignore[no-untyped-def]
    root = lxml.html.document_fromstring(html)
    return extract_metadata(root, TextStream.of(root), None, url)


@pytest.mark.parametrize(
    ("title_tag", "headline"),
    [
        ("数据条例正式施行_新闻_央视网", "数据条例正式施行"),
        ("数据条例正式施行-中国政府网", "数据条例正式施行"),
        ("数据条例正式施行 | 澎湃", "数据条例正式施行"),
        ("数据条例正式施行|数据|条例_新浪新闻", "数据条例正式施行"),
    ],
)
def test_site_suffix_is_removed_by_matching_the_headline(title_tag: str, headline: str) -> None:
    html = f"<html><head><title>{title_tag}</title></head><body><h1>{headline}</h1><p>正文。</p></body></html>"
    assert meta_of(html).title == headline


def test_title_suffix_is_stripped_when_no_headline_element_matches() -> None:
    html = (
        "<html><head><title>关于推进数据要素市场化配置的意见_政策_示例网</title></head>"
        "<body><p>正文。</p></body></html>"
    )
    assert meta_of(html).title == "关于推进数据要素市场化配置的意见"


def test_cms_article_title_meta_wins() -> None:
    html = (
        '<html><head><title>首页 - 示例市</title><meta name="ArticleTitle" content="示例市数据条例">'
        '<meta name="PubDate" content="2024-01-05 08:00:00"><meta name="ContentSource" content="示例市司法局">'
        "</head><body><h1>网站名称</h1><p>正文。</p></body></html>"
    )
    meta = meta_of(html)
    assert (meta.title, meta.source, meta.published) == (
        "示例市数据条例",
        "示例市司法局",
        dt.datetime(2024, 1, 5, 8, 0),
    )


def test_date_and_source_come_from_the_line_under_the_headline_not_from_the_body() -> None:
    html = (
        "<html><body><h1>某市出台数据条例</h1><div>2023-08-01 10:30 来源：某市日报 作者：王某</div>"
        "<div class='c'><p>2022年3月5日，某市启动立法调研。来源：网络传闻</p></div></body></html>"
    )
    meta = meta_of(html)
    assert meta.published == dt.datetime(2023, 8, 1, 10, 30)
    assert meta.source == "某市日报"
    assert meta.author == "王某"


def test_labelled_publish_date_below_the_body_is_found_when_the_head_has_none() -> None:
    html = "<html><body><h2>通知</h2><p>2019年2月27日下午，调研组来访。</p><p>发布日期：2019-03-06</p></body></html>"
    assert meta_of(html).published == dt.date(2019, 3, 6)


def test_year_less_date_takes_its_year_from_metadata() -> None:
    html = (
        '<html><head><meta name="dateUpdate" content="2020-01-14 17:58:59"><title>一条消息</title></head>'
        "<body><h2>一条消息</h2><div>发布时间：01-14 17:58</div><p>正文。</p></body></html>"
    )
    assert meta_of(html).published == dt.datetime(2020, 1, 14, 17, 58)


def test_canonical_url_is_made_absolute() -> None:
    html = '<html><head><link rel="canonical" href="/a/1.html"></head><body><h1>标题标题</h1></body></html>'
    assert meta_of(html, "https://www.example.gov.cn/x/y.html").canonical_url == "https://www.example.gov.cn/a/1.html"


def test_canonical_url_falls_back_to_the_page_url() -> None:
    assert meta_of("<html><body><p>x</p></body></html>", "https://e.cn/p").canonical_url == "https://e.cn/p"


def test_generic_portal_author_meta_is_not_taken_as_author() -> None:
    html = '<html><head><meta name="author" content="网易"></head><body><h1>标题标题</h1></body></html>'
    assert meta_of(html).author is None


def test_meta_values_keep_the_first_occurrence_lower_cased() -> None:
    root = lxml.html.fromstring(
        '<html><head><meta name="PubDate" content="1"><meta name="pubdate" content="2"></head></html>'
    )
    assert meta_values(root)["pubdate"] == "1"


def test_headline_that_the_title_tag_only_contains_is_taken_when_it_sits_above_the_body() -> None:
    html = (
        "<html><head><title>明日预测--最新报告：增长率降至2.3%</title></head><body><h1>网站的名字很长很长</h1>"
        "<div class='title-text'>最新报告：增长率降至2.3%</div>"
        "<div class='c'><p>报告称，全球增长放缓。</p></div></body></html>"
    )
    root = lxml.html.document_fromstring(html)
    body = root.find_class("c")[0]
    assert find_title(root, meta_values(root), TextStream.of(root), body)[0] == "最新报告：增长率降至2.3%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-09-07 13:43:45", dt.datetime(2019, 9, 7, 13, 43, 45)),
        ("2019年09月07日 13:43", dt.datetime(2019, 9, 7, 13, 43)),
        ("2019年9月7日", dt.date(2019, 9, 7)),
        ("2019/9/7", dt.date(2019, 9, 7)),
        ("18-03-08 23:16", dt.datetime(2018, 3, 8, 23, 16)),
        ("2019 09/07 19:02", dt.datetime(2019, 9, 7, 19, 2)),
    ],
)
def test_chinese_date_forms_are_read(text: str, expected: dt.datetime | dt.date) -> None:
    assert next(iter(find_dates(text))).result() == expected


def test_impossible_dates_are_ignored() -> None:
    assert list(find_dates("2019-13-45 和 2019-02-30")) == []


def test_iso_times_with_offsets_become_beijing_time() -> None:
    assert parse_date("2019-09-07T05:51:23.000Z") == dt.datetime(2019, 9, 7, 13, 51, 23)
    assert parse_date("2019-09-07T13:43:45+08:00") == dt.datetime(2019, 9, 7, 13, 43, 45)
