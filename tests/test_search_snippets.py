"""Snippets and highlighted titles: escaped HTML with <mark> around the words."""

from __future__ import annotations

from policydigest.search import IndexedArticle, Query, SearchIndex
from policydigest.search.query import Term, parse_query
from policydigest.search.snippets import highlight, match_pattern, snippet


def test_html_in_article_text_is_escaped_and_only_marks_are_markup() -> None:
    text = '<script>alert("x")</script>数据要素&流通'
    marked = snippet(text, match_pattern([Term("数据要素")]))
    assert "<script>" not in marked
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in marked
    assert "<mark>数据要素</mark>&amp;流通" in marked


def test_html_in_a_hit_from_the_index_is_escaped() -> None:
    index = SearchIndex.in_memory()
    index.add([IndexedArticle(id=1, title="<b>算力</b>", body='<img src=x onerror="alert(1)">算力券')])
    hit = index.search(Query(text="算力")).hits[0]
    assert hit.title_html == "&lt;b&gt;<mark>算力</mark>&lt;/b&gt;"
    assert "<img" not in hit.snippet and "&lt;img" in hit.snippet


def test_the_window_with_most_distinct_words_is_chosen() -> None:
    text = "算力" + "。" * 300 + "贵州发放算力券，数商踊跃参与。" + "。" * 300
    marked = snippet(text, match_pattern(parse_query("算力 数商").required), width=40)
    assert "<mark>数商</mark>" in marked and "<mark>算力</mark>" in marked
    assert marked.startswith("…") and marked.endswith("…")


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    assert snippet("甲" * 200, None, width=10) == "甲" * 10 + "…"


def test_full_width_and_upper_case_text_is_marked_for_a_lower_case_query() -> None:
    assert highlight("发布ＡＩ法案", match_pattern([Term("ai")])) == "发布<mark>ＡＩ</mark>法案"


def test_latin_words_are_not_marked_inside_other_words() -> None:
    assert highlight("said AI", match_pattern([Term("ai")])) == "said <mark>AI</mark>"
    assert highlight("GPT-4o", match_pattern([Term("gpt", prefix=True)])) == "<mark>GPT</mark>-4o"


def test_excluded_words_are_not_marked() -> None:
    assert match_pattern(parse_query("-深圳").terms) is None


def test_a_snippet_joins_chinese_paragraphs_without_an_ascii_space_but_keeps_latin_words_apart() -> None:
    pattern = match_pattern(parse_query("算力").terms)
    text = "第一段讲数据要素。\n算力网络建设加快。\n第三段 AI\nAgent 应用。"
    shown = snippet(text, pattern, width=200)
    assert "数据要素。<mark>算力</mark>网络建设加快。第三段" in shown
    assert "AI Agent" in shown
