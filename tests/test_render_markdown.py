"""Markdown: the issue's structure survives a CommonMark parse and crawled text stays text."""

from __future__ import annotations

import lxml.html
from markdown_it import MarkdownIt

from policydigest.render.markdown import escape, render_markdown
from tests.render_support import COLUMNS, hostile_issue, sample_issue


def _parse(markdown: str) -> lxml.html.HtmlElement:
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>")


def test_the_sample_issue_parses_into_its_columns_titles_tables_and_links() -> None:
    issue = sample_issue()
    doc = _parse(render_markdown(issue, columns=COLUMNS))
    assert doc.findtext(".//h1") == issue.series
    about = [b.text for part in issue.back_matter for b in part.blocks if b.kind == "heading"]
    assert [h.text_content() for h in doc.iter("h3")] == [a.title for a in issue.articles] + about
    assert [h.text_content() for h in doc.iter("h2")][:2] == ["本期要目", "国策要论"]
    links = [a.get("href") for a in doc.iter("a")]
    assert links == [a.url for a in issue.articles if a.url]
    table = doc.find(".//table")
    assert table is not None and [th.text_content() for th in table.iter("th")][:2] == ["排名", "城市"]
    assert f"（来源：{issue.articles[0].source}）" in doc.text_content()


def test_crawled_markup_and_markdown_syntax_stay_text() -> None:
    issue = hostile_issue()
    doc = _parse(render_markdown(issue, columns=COLUMNS))
    for tag in ("script", "iframe", "img", "ol", "code", "b", "i"):
        assert not list(doc.iter(tag)), tag
    assert not [li for li in doc.iter("li") if "不是列表" in li.text_content()]
    emphasised = {e.text_content() for e in doc.iter("em", "strong")}
    assert not [t for t in emphasised if "粗体" in t]  # only the template's own emphasis
    assert "图 1 <em>说明</em>" in emphasised and "副题<b>粗</b>" in emphasised
    assert not [a for a in doc.iter("a") if "evil" in (a.get("href") or "") or "javascript" in (a.get("href") or "")]
    text = doc.text_content()
    for original in ("标题<script>alert(1)</script>", "段落 **粗体** [链接](https://evil.example)", "1. 不是有序列表"):
        assert original in text
    assert [h.text_content() for h in doc.iter("h3")][:2] == ["标题<script>alert(1)</script>", "危险链接"]
    assert [h.text_content() for h in doc.iter("h4")] == ["# 小标题 <h1>"]
    rows = [[c.text_content() for c in tr] for tr in doc.iter("tr")]
    assert rows == [["列<1>", "| 竖线"], ["1", "`代码`"], ["只有一格", ""]]


def test_escaping_is_undone_by_a_parser_for_any_text() -> None:
    for text in ("a*b*c", "_x_", "[a](b)", "<tag>", "&amp;", "# h", "- l", "+ l", "1) x", "`c`", "a|b", "~~s~~", "\\n"):
        doc = _parse(escape(text))
        assert doc.text_content().strip() == text, text
