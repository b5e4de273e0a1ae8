"""The standalone HTML page: bulletin structure, anchors, QR codes, escaping, landmarks and headings."""

from __future__ import annotations

import itertools

import lxml.html
import pytest

from policydigest.profile import load_profile
from policydigest.render.html import render_html
from tests.render_support import COLUMNS, hostile_issue, sample_issue


@pytest.fixture(scope="module")
def page() -> lxml.html.HtmlElement:
    profile = load_profile()
    html = render_html(sample_issue(), columns=COLUMNS, logo=profile.logo_path, logo_alt=profile.series.logo_alt)
    return lxml.html.document_fromstring(html)


def test_the_page_is_in_chinese_with_landmarks_and_a_title(page: lxml.html.HtmlElement) -> None:
    assert page.get("lang") == "zh-CN"
    assert page.findtext(".//title") == "数字经济观察 2025年3月14日 第8期 总第57期"
    for landmark in ("header", "main", "nav", "footer"):
        assert len(page.findall(f".//{landmark}")) == 1, landmark
    assert page.get_element_by_id("main").tag == "main"


def test_headings_never_skip_a_level(page: lxml.html.HtmlElement) -> None:
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_cover_block_carries_slogan_series_issue_line_and_headline(page: lxml.html.HtmlElement) -> None:
    cover = page.find(".//header")
    assert cover is not None
    text = cover.text_content()
    for part in ("追踪数字经济政策脉搏", "数字经济观察", "2025年3月14日 第8期 总第57期", "首批遴选20个试点城市"):
        assert part in text
    logo = cover.find(".//img")
    assert logo is not None and logo.get("alt") == "黔中数字经济研究院标志" and logo.get("src", "").startswith("data:")


def test_every_contents_line_links_to_its_article_with_its_page(page: lxml.html.HtmlElement) -> None:
    issue = sample_issue()
    nav = page.find(".//nav")
    assert nav is not None
    links = nav.findall(".//a")
    assert len(links) == len(issue.toc)
    for link, entry in zip(links, issue.toc, strict=True):
        target = page.get_element_by_id(link.get("href")[1:])
        assert target.tag == "article"
        assert link.getparent().findtext("span") == f"{entry.page:02d}"
    ids = [e.get("id") for e in page.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_each_article_has_its_source_link_and_a_labelled_qr_code(page: lxml.html.HtmlElement) -> None:
    issue = sample_issue()
    articles = page.findall(".//article")
    assert [a.findtext("h3") for a in articles] == [a.title for a in issue.articles]
    for element, article in zip(articles, issue.articles, strict=True):
        if article.source:
            assert f"（来源：{article.source}）" in element.text_content()
        svgs = element.findall(".//svg")
        if article.url:
            assert [a.get("href") for a in element.findall(".//a")] == [article.url]
            assert len(svgs) == 1 and svgs[0].get("role") == "img" and svgs[0].get("aria-label")
        else:
            assert not svgs


def test_tables_have_column_headers_and_back_matter_follows_the_articles(page: lxml.html.HtmlElement) -> None:
    table = page.find(".//table")
    assert table is not None
    assert [th.text for th in table.findall(".//thead//th")][:3] == ["排名", "城市", "综合指数"]
    sections = page.findall(".//main/section")
    assert sections[-1].findtext("h2") == "主编简介"


def test_crawled_markup_stays_text_and_bad_links_are_not_links() -> None:
    issue = hostile_issue()
    html = render_html(issue, columns=COLUMNS)
    doc = lxml.html.document_fromstring(html)
    assert not doc.findall(".//script") and not doc.findall(".//iframe") and not doc.findall(".//b")
    assert not [e for e in doc.iter() if any(name.startswith("on") for name in e.attrib)]
    assert [e.tag for e in doc.iter("img")] == []
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert not [h for h in hrefs if h and h.lower().startswith("javascript")]
    assert "https://www.example.gov.cn/a.html?x=1&y=2" in hrefs and "&amp;y=2" in html
    text = doc.text_content()
    assert "标题<script>alert(1)</script>" in text and '来源"><svg onload=alert(2)>' in text
    assert "javascript:alert(3)" not in text  # the model keeps only http(s) links
