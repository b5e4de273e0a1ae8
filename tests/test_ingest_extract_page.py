"""extract_page end to end on the team's fixture pages, and on hostile input."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydigest.ingest.extract import ExtractedPage, dom, extract_page
from policydigest.ingest.extract.dom import parse_html
from policydigest.ingest.extract.fallback import trafilatura_paragraphs
from policydigest.model import Block, BlockKind

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://www.qingxi.example.gov.cn/zwgk/zcwj/index.html"


def page_of(name: str, url: str | None = URL) -> ExtractedPage:
    page = extract_page((PAGES / name).read_bytes(), url)
    assert page is not None
    return page


def test_government_cms_page_gives_title_date_source_body_and_attachments() -> None:
    page = page_of("gov-cms.html")
    assert page.title == "青溪市数据资源管理局关于印发《公共数据授权运营试点办法》的通知"
    assert page.published == dt.datetime(2024, 3, 15, 10, 20)
    assert page.source == "青溪市数据资源管理局"
    assert page.canonical_url == "https://www.qingxi.example.gov.cn/zwgk/zcwj/202403/t20240315_1001.html"
    assert page.blocks[0].text == "各区（县）人民政府，市政府各部门："
    assert page.blocks[-1].text == "本办法自印发之日起施行，试点期两年。"
    kinds = [b.kind for b in page.blocks]
    assert BlockKind.HEADING in kinds and BlockKind.TABLE in kinds
    assert [(a.kind, a.text) for a in page.attachments] == [
        ("pdf", "1.青溪市公共数据授权运营试点办法.pdf"),
        ("docx", "2.试点申报表.docx"),
        ("wps", "3.试点单位名单"),
    ]
    assert page.attachments[1].url == "https://www.qingxi.example.gov.cn/zwgk/zcwj/P020240315_fujian2.docx"


def test_government_cms_furniture_is_not_in_the_body() -> None:
    body = page_of("gov-cms.html").body
    for furniture in (
        "首页",
        "字体",
        "打印",
        "关闭",
        "责任编辑",
        "版权所有",
        "相关文件",
        "分享到",
        "索引号",
        "当前位置",
    ):
        assert furniture not in body


def test_portal_page_drops_original_title_video_notice_byline_related_links_and_comments() -> None:
    page = page_of("portal-news.html")
    assert page.title == "东川港口数字化改造完成首期工程"
    assert page.published == dt.datetime(2024, 7, 8, 14, 5)
    assert page.source == "东川晚报"
    assert page.canonical_url == "https://news.example.cn/a/20240708/123.html"
    assert page.body.startswith("7月8日，东川港口数字化改造首期工程通过验收")
    assert page.body.endswith("届时全港作业数据将接入城市数据平台。")
    for furniture in (
        "原标题",
        "您的浏览器",
        "记者 周某某",
        "相关新闻",
        "实习生",
        "责任编辑",
        "评论",
        "热门排行",
        "Copyright",
    ):
        assert furniture not in page.body


@pytest.mark.parametrize("name", ["gbk-declared-utf8.html", "utf8-declared-gb2312.html"])
def test_pages_with_a_wrong_charset_declaration_extract_cleanly(name: str) -> None:
    page = page_of(name)
    assert "\ufffd" not in page.title + page.body
    assert page.published is not None and page.source


def test_to_article_carries_web_provenance_and_the_canonical_link() -> None:
    page = page_of("gov-cms.html")
    retrieved = dt.datetime(2024, 3, 16, 8, 0)
    article = page.to_article(retrieved_at=retrieved)
    assert article.title == page.title and article.source == "青溪市数据资源管理局"
    assert article.published == dt.date(2024, 3, 15)
    assert article.url == page.canonical_url
    assert article.provenance[0].kind == "web" and article.provenance[0].location == URL
    assert article.provenance[0].retrieved_at == retrieved
    assert article.body == page.body


def test_hostile_page_keeps_its_text_and_leaks_no_script_style_or_handler() -> None:
    page = page_of("hostile.html")
    assert page.title == "关于开展数据安全检查的通知"
    text = page.title + page.body + (page.source or "")
    for leaked in (
        "alert",
        "evil",
        "steal",
        "假正文",
        "样式里的文字",
        "请启用脚本",
        "矢量图里的文字",
        "onerror",
        "iframe",
    ):
        assert leaked not in text
    assert "未知标签里的文字照样保留" in page.body
    assert "四、未尽事宜另行通知。" in page.body
    # Escaped text stays text: it is the page's words, to be escaped again by whoever renders it.
    assert "<script>这是被转义的文字" in page.body


@pytest.mark.parametrize("html", [b"", b"   \n ", "", "<html><body></body></html>", "<p>短</p>"])
def test_empty_or_bodiless_page_gives_none_with_a_logged_reason(
    html: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="policydigest"):
        assert extract_page(html) is None
    assert any("empty" in r.message or "no article body" in r.message for r in caplog.records)


def test_binary_garbage_does_not_crash() -> None:
    data = bytes(range(256)) * 200
    assert extract_page(data) is None or isinstance(extract_page(data), ExtractedPage)


def test_very_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 20_000
    html = (
        "<html><body>"
        + "<div>" * depth
        + "<p>深层嵌套里的正文，数据要素市场化配置改革。</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    # libxml2 stops nesting at its safety limit; what it keeps is read without recursion.
    page = extract_page(html)
    assert page is None or "<div>" not in page.body


def test_moderately_deep_nesting_is_read() -> None:
    depth = 200
    html = (
        "<html><body>"
        + "<div>" * depth
        + "<p>深层嵌套里的正文，数据要素市场化配置改革。</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    page = extract_page(html)
    assert page is not None and page.body == "深层嵌套里的正文，数据要素市场化配置改革。"


def test_huge_page_is_cut_at_the_size_limit_and_still_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dom, "MAX_HTML_CHARS", 200_000)
    paragraph = "<p>推进数据要素市场化配置改革，完善数据产权制度，健全数据要素流通交易规则。</p>"
    html = "<html><body><div class='article-content'>" + paragraph * 20_000 + "</div></body></html>"
    page = extract_page(html)
    assert page is not None and page.body.startswith("推进数据要素市场化配置改革")
    assert len(page.body) < 200_000 < len(html)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_page_or_none_never_an_exception(data: bytes) -> None:
    result = extract_page(data)
    assert result is None or isinstance(result, ExtractedPage)


TAGS = st.sampled_from(
    ["div", "p", "span", "a", "table", "tr", "td", "script", "style", "h1", "b", "ul", "li", "br", "img"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TAGS, st.text(max_size=30), st.booleans()), max_size=60))
def test_random_malformed_markup_never_leaks_tags_into_text(parts: list[tuple[str, str, bool]]) -> None:
    html = "".join(f"<{tag} onclick='x()'>{text}" + (f"</{tag}>" if close else "") for tag, text, close in parts)
    page = extract_page("<html><body>" + html)
    if page is not None:
        for tag, _, _ in parts:
            # Text the generator wrote may itself contain '<'; only markup we generated must not appear.
            assert f"<{tag} onclick=" not in page.body
        assert "onclick" not in page.title or any("onclick" in t for _, t, _ in parts)


# ---- script and style text never becomes body text (issue 16) --------------------------------------

#: Elements whose text is never visible, each with a marker that must not reach any extracted text.
INVISIBLE_TEXT = (
    "<script>alert(7)</script>",
    "<style>.x{color:red}</style>",
    "<noscript>请启用脚本后查看</noscript>",
    "<template>模板内容</template>",
)
LEAKS = ("alert(7)", "color:red", "请启用脚本", "模板内容")
_PROSE = "".join(
    f"<p>第{i}段：各地区要加强数据安全保护，完善数据分类分级制度，推动数据有序流通，{''.join(INVISIBLE_TEXT)}"
    f"促进数字经济高质量发展。</p>"
    for i in range(4)
)
_TABLE = (
    "<table><tr><th>项目</th><th>金额</th></tr>"
    + "".join(f"<tr><td>{hostile} 补贴</td><td>{i}00万元</td></tr>" for i, hostile in enumerate(INVISIBLE_TEXT))
    + "</table>"
)
_HEAD = (
    "<html><head><meta charset='utf-8'><title>关于数据补贴的通知</title></head><body>"
    "<h1>关于数据补贴的通知</h1>"
)
_ATTACHMENT = f"<p><a href='/f/细则.pdf'>附件1：实施细则{''.join(INVISIBLE_TEXT)}</a></p>"
#: One page per extraction path: a known CMS container, the densest block, WeChat, and trafilatura's fallback.
SCRIPT_PAGES = {
    "known container": f"{_HEAD}<div class='TRS_Editor'>{_PROSE}{_TABLE}{_ATTACHMENT}</div></body></html>",
    "scored block": f"{_HEAD}<div class='x'><div>{_PROSE}{_TABLE}{_ATTACHMENT}</div></div></body></html>",
    "wechat": f"{_HEAD}<div id='js_content'>{_PROSE}{_TABLE}{_ATTACHMENT}</div></body></html>",
}


@pytest.mark.parametrize("path", SCRIPT_PAGES)
def test_script_and_style_text_is_dropped_in_every_extraction_path_tables_included(path: str) -> None:
    page = extract_page(SCRIPT_PAGES[path], url="https://www.example.gov.cn/a.html")
    assert page is not None
    tables = [block for block in page.blocks if block.kind is BlockKind.TABLE]
    assert tables and tables[0].rows[1][0] == "补贴"
    everything = page.model_dump_json()
    assert not [leak for leak in LEAKS if leak in everything], everything
    assert page.title == "关于数据补贴的通知"
    assert [a.text for a in page.attachments] == ["附件1：实施细则"]


def test_script_and_style_text_is_dropped_by_the_trafilatura_fallback() -> None:
    root = parse_html(f"<html><body><article>{_PROSE}{_TABLE}</article></body></html>")
    assert root is not None
    paragraphs = trafilatura_paragraphs(root)
    text = " ".join(p.as_text() if isinstance(p, Block) else p.text for p in paragraphs)
    assert "补贴" in text and not [leak for leak in LEAKS if leak in text], text
