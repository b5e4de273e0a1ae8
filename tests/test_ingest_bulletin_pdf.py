"""Reading a bulletin PDF back to text shaped like the real extractions, and importing it.

PDFs are made in the tests: issues rendered by ``render_pdf``, and one page set with a header and
footer of its own directly in Typst, so nothing here depends on one particular header.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import typst

from policydigest.errors import BinaryInputError, EmptyInputError, TruncatedInputError
from policydigest.ingest.bulletin.parse import parse_bulletin
from policydigest.ingest.bulletin.pdf import pdf_to_text
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.ingest.bulletin.text import normalize_text
from policydigest.model import DEFAULT_COLUMNS, Article, Block, BlockKind, Issue
from policydigest.render.pdf import render_pdf
from tests.conftest import FIXTURES, SAMPLE_DIR

SHARED = ["bulletin-2024-04-12-no13.txt", "bulletin-2024-05-13-no17.txt", "bulletin-2024-07-15-no26.txt"]


@pytest.fixture(scope="module")
def issue() -> Issue:
    return Issue.model_validate_json((FIXTURES / "fictional-issue.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf(issue: Issue) -> bytes:
    return render_pdf(issue, columns=DEFAULT_COLUMNS)


@pytest.fixture(scope="module")
def lines(pdf: bytes) -> list[str]:
    return pdf_to_text(pdf).split("\n")


def test_each_paragraph_comes_back_whole_on_one_line(issue: Issue, lines: list[str]) -> None:
    paragraphs = {b.text for a in issue.articles for b in a.blocks if b.kind is BlockKind.PARAGRAPH}
    assert paragraphs <= set(lines)


def test_a_paragraph_broken_by_a_page_break_is_joined(issue: Issue, pdf: bytes, lines: list[str]) -> None:
    document = pdfium.PdfDocument(pdf)
    pages = [re.sub(r"\s+", "", document[i].get_textpage().get_text_range()) for i in range(len(document))]
    texts = [b.text for a in issue.articles for b in a.blocks if b.kind is BlockKind.PARAGRAPH]

    def broken(text: str) -> bool:
        head, tail = text[:20], text[-20:]
        return any(
            page.count(head) > page.count(text) and following.count(tail) > following.count(text)
            for page, following in itertools.pairwise(pages)
        )

    split = [text for text in set(texts) if broken(text)]
    assert split, "the fixture should have a paragraph running over a page break"
    for text in split:
        assert lines.count(text) == texts.count(text)


def test_titles_sub_headings_captions_and_source_lines_stand_alone(issue: Issue, lines: list[str]) -> None:
    title = issue.articles[0].title.split(" ")
    assert title[0] in lines and title[1] in lines  # a headline and its sub-headline, as the parser reads them
    assert "一、总体要求" in lines and "二、主要任务" in lines
    assert "表1：明川市算力发展主要指标" in lines and "来源：明川市数据局" in lines
    assert "（来源：示范区管委会）" in lines
    text = "\n".join(lines)
    assert "\n\n一、总体要求\n\n" in text


def test_tables_come_back_as_tab_separated_lines(issue: Issue, lines: list[str]) -> None:
    rows = next(b for a in issue.articles for b in a.blocks if b.rows).rows
    text = "\n".join(lines)
    assert "\n".join("\t".join(row) for row in rows) in text


def test_contents_entries_are_written_like_the_real_text(issue: Issue, lines: list[str]) -> None:
    entries = [line for line in lines if line.startswith("- ")]
    assert [re.sub(r"^- \d\d ", "", e) for e in entries] == [a.title for a in issue.articles]
    assert all(re.match(r"^- \d\d \S", e) for e in entries)
    assert "本期要目" in lines and "国策要论" in lines


def test_running_heads_and_page_numbers_are_dropped(lines: list[str]) -> None:
    assert not [line for line in lines if re.fullmatch(r"[IVX]+|\d{1,3}", line)]
    # The series and date stay where they belong (cover and masthead page), not once per page.
    assert sum("数智政策参考" in line for line in lines) == 2
    assert sum("2025年3月7日" in line for line in lines) == 2


def test_latin_words_keep_their_spaces_and_chinese_gets_none(issue: Issue, lines: list[str]) -> None:
    latin = [b.text for a in issue.articles for b in a.blocks if re.search(r"[A-Za-z]{3} [A-Za-z]", b.text)]
    assert latin and set(latin) <= set(lines)
    assert "Northwind Institute 发布 Open Data Readiness Index 2025" in lines
    assert "Yunling Institute of Digital Governance" in lines
    assert "2025年3月7日 第4期 总第31期" in lines  # printed with spaces, read with spaces


def test_a_link_too_long_for_its_line_is_joined_again(issue: Issue, lines: list[str]) -> None:
    for article in issue.articles:
        if article.url:
            assert f"原文链接：{article.url}" in lines
    assert "扫描二维码可阅读或下载原文件" in lines


def test_the_parser_reads_a_rendered_pdf_as_the_issue_it_came_from(issue: Issue, pdf: bytes) -> None:
    back = parse_bulletin(pdf_to_text(pdf))
    assert summary(back) == summary(issue)
    # The parser tidies text as it would any extraction (``Index 2025 覆盖`` → ``Index 2025覆盖``).
    tidy = ["\n".join(b.as_text() if b.rows else normalize_text(b.text) for b in a.blocks) for a in issue.articles]
    assert [a.body for a in back.articles] == tidy
    assert back.masthead.guiding_units == issue.masthead.guiding_units
    assert back.disclaimer == issue.disclaimer


def test_repeated_heads_of_any_wording_are_dropped_not_just_our_own() -> None:
    source = """
    #set page(paper: "a5", margin: 2cm,
      header: align(right)[某某内参 · 2025年第3期],
      footer: context align(center)[— #counter(page).display() —])
    #set text(font: "Noto Serif CJK SC", lang: "zh")
    #set par(justify: true)
    #for i in range(6) [
      第#(i + 1)段：数据要素市场建设持续推进，各地围绕公共数据授权运营开展探索，形成了一批可复制可推广的经验做法。
      #lorem(30)

    ]
    """
    text = pdf_to_text(typst.compile(source.encode()))
    assert "某某内参" not in text and "—" not in text
    paragraphs = [line for line in text.split("\n") if line]
    # (Typst's default gap between Chinese and digits reads as a space, as in real extractions.)
    assert len(paragraphs) == 6 and all(re.match(rf"第 ?{i + 1} ?段", p) for i, p in enumerate(paragraphs))


def test_a_file_that_is_not_a_pdf_is_refused_in_one_line() -> None:
    with pytest.raises(BinaryInputError, match="不是 PDF"):
        pdf_to_text(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(EmptyInputError):
        pdf_to_text(b"")


def test_a_cut_off_pdf_is_reported_as_truncated(pdf: bytes) -> None:
    with pytest.raises(TruncatedInputError, match="不完整"):
        pdf_to_text(pdf[: len(pdf) // 2])
    with pytest.raises(TruncatedInputError, match="已损坏"):
        pdf_to_text(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")


def test_a_pdf_without_text_is_refused() -> None:
    blank = typst.compile(b'#set page(paper: "a6")\n#rect(width: 2cm)')
    with pytest.raises(BinaryInputError, match="没有文字层"):
        pdf_to_text(blank)


def test_read_bulletin_imports_a_pdf_file_like_its_text(tmp_path: Path, issue: Issue, pdf: bytes) -> None:
    path = tmp_path / "issue.pdf"
    path.write_bytes(pdf)
    assert summary(read_bulletin(path)) == summary(issue)


def summary(issue: Issue) -> dict[str, Any]:
    """What a round trip must keep: number, date, cover headline, contents, and each article."""
    return {
        "series": issue.series,
        "number": (issue.number, issue.total_number),
        "date": issue.date,
        "cover": issue.cover_headline,
        "toc": [(e.column, e.title) for e in issue.toc] or [(a.column, a.title) for a in issue.articles],
        "articles": [(a.column, a.title, a.source, a.url) for a in issue.articles],
    }


def round_trip(issue: Issue) -> tuple[Issue, bytes]:
    pdf = render_pdf(issue, columns=DEFAULT_COLUMNS)
    return parse_bulletin(pdf_to_text(pdf), "round-trip.pdf"), pdf


def assert_round_trip(original: Issue) -> None:
    back, _ = round_trip(original)
    assert summary(back) == summary(original)
    # The contents now give the pages of this layout; each listed article carries its entry's page.
    assert all(e.page is not None for e in back.toc)
    listed = {e.title: e.page for e in back.toc}
    for article in back.articles:
        if article.title in listed:
            assert article.toc_page == listed[article.title]


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("sample-bulletin-*")), ids=lambda p: p.name)
def test_sample_bulletins_survive_text_issue_pdf_text_issue(path: Path) -> None:
    assert_round_trip(read_bulletin(path))


@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED)
def test_shared_bulletins_survive_text_issue_pdf_text_issue(shared_dir: Path, name: str) -> None:
    original = parse_bulletin((shared_dir / "bulletins" / name).read_text(encoding="utf-8"), name)
    back, _ = round_trip(original)
    assert summary(back) == summary(original)
    assert [a.body for a in back.articles] == [a.body for a in original.articles]
    assert back.back_matter == original.back_matter and back.masthead == original.masthead


def test_an_issue_without_links_sources_or_contents_still_reads_back() -> None:
    bare = Issue(
        series="简报",
        number=1,
        total_number=1,
        date=dt.date(2025, 1, 3),
        cover_headline="新年第一期",
        articles=[
            Article(title="某市发布数据条例", column="地方新政", blocks=[Block.paragraph("正文第一段。")]),
            Article(title="某企业发布报告", column="产业前沿", blocks=[Block.paragraph("正文。")]),
        ],
    )
    assert_round_trip(bare)


def test_paragraphs_set_without_spacing_are_told_apart_by_indent_and_short_last_lines() -> None:
    source = """
    #set page(paper: "a5", margin: 1.8cm)
    #set text(font: "Noto Serif CJK SC", lang: "zh")
    #set par(justify: true, leading: 0.8em, spacing: 0.8em, first-line-indent: (amount: 2em, all: true))
    #for i in range(5) [
      #par[第#(i + 1)段。#("数据要素市场化配置改革持续深化，公共数据开发利用取得新进展。" * (i + 2))]
    ]
    #par[#("一段满行结束的文字用来检验缩进信号。" * 5)]
    """
    lines = [line for line in pdf_to_text(typst.compile(source.encode())).split("\n") if line]
    assert len(lines) == 6
    assert all(re.match(rf"第 ?{i + 1} ?段。数据要素", line) for i, line in enumerate(lines[:5]))


def test_contents_with_leaders_and_trailing_page_numbers_are_written_page_first() -> None:
    source = """
    #set page(paper: "a5", margin: 1.8cm)
    #set text(font: "Noto Sans CJK SC", lang: "zh")
    本期要目

    国策要论

    某部门发布数据安全管理办法#box(width: 1fr, repeat[.])3

    地方新政

    某市出台算力行动方案……12
    #pagebreak()
    某市出台算力行动方案

    正文。
    """
    lines = [line for line in pdf_to_text(typst.compile(source.encode())).split("\n") if line]
    assert lines[:5] == [
        "本期要目",
        "国策要论",
        "- 03 某部门发布数据安全管理办法",
        "地方新政",
        "- 12 某市出台算力行动方案",
    ]
    assert lines[5:] == ["某市出台算力行动方案", "正文。"]
