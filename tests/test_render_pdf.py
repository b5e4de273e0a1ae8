"""Rendering an issue to PDF: the bulletin's parts, real page numbers, QR codes, safe text.

Rendered PDFs are checked with poppler (pdftotext, pdftoppm) and zbar (zbarimg), not with the
project's own PDF reader.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pdfplumber
import pytest

from policydigest.ingest.bulletin.parse import parse_bulletin
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS, Article, Block, Issue, TocEntry
from policydigest.render.pdf import keep_spaces, page_numbers, render_pdf, title_lines
from policydigest.render.toc import match_toc, toc_groups
from tests.conftest import FIXTURES, SAMPLE_DIR
from tests.pdf_checks import (
    ROMAN,
    decode_qr,
    footer,
    keep_artifacts,
    page_texts,
    rasterise,
    squeeze,
    toc_entries,
)


@pytest.fixture(scope="module")
def issue() -> Issue:
    return Issue.model_validate_json((FIXTURES / "fictional-issue.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf(issue: Issue) -> bytes:
    return render_pdf(issue, columns=DEFAULT_COLUMNS)


@pytest.fixture(scope="module")
def pages(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return page_texts(pdf, tmp_path_factory.mktemp("text"))


def assert_contents_pages_are_real(pages: list[str], titles: list[str]) -> None:
    """Every 本期要目 title is on the page whose footer shows the number the contents give."""
    by_number = {footer(page): index for index, page in enumerate(pages)}
    entries = toc_entries(pages)
    assert [squeeze(title) for _, title in entries] == [squeeze(t) for t in titles]
    for number, title in entries:
        assert str(number) in by_number, f"no page is numbered {number}"
        assert squeeze(title) in squeeze(pages[by_number[str(number)]]), f"{title!r} is not on page {number}"


def assert_every_page_after_the_cover_is_numbered(pages: list[str]) -> None:
    footers = [footer(page) for page in pages[1:]]
    front = [f for f in footers if ROMAN.match(f)]
    body = footers[len(front) :]
    assert front == ["I", "II", "III", "IV", "V"][: len(front)] and front
    assert body == [str(n) for n in range(1, len(body) + 1)]


def test_the_pdf_is_a4_with_cover_masthead_disclaimer_contents_and_back_matter(issue: Issue, pages: list[str]) -> None:
    with pdfplumber.open(io.BytesIO(render_pdf(issue, columns=DEFAULT_COLUMNS))) as doc:
        assert {(round(p.width), round(p.height)) for p in doc.pages} == {(595, 842)}
    cover = squeeze(pages[0])
    for part in (
        "为决策者提供及时、准确、有用的政策信息",
        "数智政策参考",
        "以数据视角观察政策走向",
        "2025年3月7日第4期总第31期",
    ):
        assert part in cover
    assert all(squeeze(line) in cover for line in title_lines(issue.cover_headline))
    masthead = squeeze(pages[1])
    for part in (
        "指导单位",
        "云岭省数字经济促进中心",
        "云岭数字治理研究院",
        "林一帆",
        "editor@example.org",
        "编辑地址",
    ):
        assert part in masthead
    assert "声明：本刊为内部交流资料" in masthead
    assert "编者简介" in squeeze(pages[-1]) and "YunlingInstituteofDigitalGovernance" in squeeze(pages[-1])


def test_every_page_after_the_cover_carries_its_number_and_the_running_header(pages: list[str]) -> None:
    assert_every_page_after_the_cover_is_numbered(pages)
    assert "数智政策参考" in pages[0] and footer(pages[0]) != "I"
    for page in pages[1:]:
        head = squeeze(page.strip().splitlines()[0])
        assert head.startswith("数智政策参考") and head.endswith("2025年3月7日第4期总第31期")


def test_contents_give_the_page_each_article_is_really_on(issue: Issue, pages: list[str]) -> None:
    assert_contents_pages_are_real(pages, [a.title for a in issue.articles])


def test_typst_query_gives_each_article_the_page_the_contents_print(issue: Issue, pages: list[str]) -> None:
    printed = {squeeze(title): number for number, title in toc_entries(pages)}
    queried = page_numbers(issue, columns=DEFAULT_COLUMNS)
    assert queried == [printed[squeeze(a.title)] for a in issue.articles]
    assert len(set(queried)) > 1, "the fixture should span several pages"


def test_contents_are_grouped_by_column_in_the_configured_order(issue: Issue) -> None:
    order = ["数谷动态", "产业前沿", "地方新政", "国策要论"]
    groups = toc_groups(issue, order)
    assert [g.column for g in groups] == order
    assert [len(g.entries) for g in groups] == [2, 1, 1, 2]


def test_an_issues_own_contents_are_matched_to_articles_despite_small_differences() -> None:
    articles = [Article(title="美国防部发布《数据战略（2025年）》"), Article(title="某市出台数据条例")]
    issue = Issue(
        series="S",
        number=1,
        total_number=1,
        date=dt.date(2025, 1, 1),
        articles=articles,
        toc=[
            TocEntry(column="产业前沿", title="某市出台数据条例", page=3),
            TocEntry(column="产业前沿", title="美国国防部发布《数据战略(2025 年)》", page=1),
            TocEntry(column="产业前沿", title="一篇正文里没有的文章", page=9),
        ],
    )
    assert match_toc(issue) == [1, 0, None]


def test_table_is_laid_out_as_a_real_table_with_its_cells(issue: Issue, pdf: bytes) -> None:
    wanted = next(b for a in issue.articles for b in a.blocks if b.rows).rows
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        tables = [t.extract() for page in doc.pages for t in page.find_tables()]
    cells = [[squeeze(cell or "") for cell in row] for table in tables for row in table]
    assert [[squeeze(c) for c in row] for row in wanted] == cells


def test_crawled_text_is_shown_as_text_and_never_run_as_typst(tmp_path: Path) -> None:
    hostile = [
        '#panic("injected")',
        '#read("/etc/passwd")',
        "*bold* _em_ $x^2$ <lbl> @lbl `raw` \\ ] [ } { // comment /* c */",
        '")] #let x = 1 #x',
    ]
    issue = Issue(
        series="#set page(fill: red)",
        number=1,
        total_number=1,
        date=dt.date(2025, 1, 1),
        cover_headline="#show: none",
        articles=[
            Article(
                title=text,
                column="国策要论",
                blocks=[Block.paragraph(text)],
                source=text,
                url="https://example.org/a?q=#x&b=]",
            )
            for text in hostile
        ],
    )
    pdf = render_pdf(issue, columns=DEFAULT_COLUMNS)
    text = squeeze("".join(page_texts(pdf, tmp_path)))
    for literal in [*hostile, "#set page(fill: red)", "#show: none"]:
        assert squeeze(literal) in text
    assert "root:" not in text


def test_only_web_links_are_made_clickable() -> None:
    urls = ["https://example.org/a", "javascript:alert(1)", "file:///etc/passwd"]
    issue = Issue(
        series="S",
        number=1,
        total_number=1,
        date=dt.date(2025, 1, 1),
        articles=[Article(title=f"第{i}篇", column="国策要论", url=url) for i, url in enumerate(urls)],
    )
    with pdfplumber.open(io.BytesIO(render_pdf(issue, columns=DEFAULT_COLUMNS))) as doc:
        links = [link["uri"] for page in doc.pages for link in page.hyperlinks if link.get("uri")]
    assert links == ["https://example.org/a"]


def test_spaces_beside_chinese_are_kept_unbreakable_and_headlines_split_into_lines() -> None:
    assert keep_spaces("提升 AI 能力 Data Spaces") == "提升\u00a0AI\u00a0能力\u00a0Data Spaces"
    assert title_lines("某省召开会议 部署八项工作") == ["某省召开会议", "部署八项工作"]


@pytest.mark.slow
def test_every_qr_code_decodes_to_its_articles_url(issue: Issue, pdf: bytes, tmp_path: Path) -> None:
    images = rasterise(pdf, tmp_path)
    assert sorted(decode_qr(images)) == sorted(a.url for a in issue.articles if a.url)
    kept = keep_artifacts(pdf, "render-fictional", [1, 2, 3, 4, 6])
    assert all(p.stat().st_size > 10_000 for p in kept)


def assert_renders_truly(issue: Issue, tmp_path: Path, name: str | None) -> None:
    """Numbered pages, true contents pages and decodable QR codes; with a ``name``, a few pages kept to be
    looked at (the shared bulletins' are not: their text stays outside the repository)."""
    pdf = render_pdf(issue, columns=DEFAULT_COLUMNS)
    pages = page_texts(pdf, tmp_path)
    assert_every_page_after_the_cover_is_numbered(pages)
    assert_contents_pages_are_real(pages, [entry.title for entry in issue.toc])
    images = rasterise(pdf, tmp_path)
    assert sorted(decode_qr(images)) == sorted(a.url for a in issue.articles if a.url)
    if name is not None:
        keep_artifacts(pdf, f"render-{name}", [1, 3, 4, len(images)])


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("sample-bulletin-*")), ids=lambda p: p.name)
def test_sample_bulletins_render_with_true_contents_pages_and_decodable_qr_codes(path: Path, tmp_path: Path) -> None:
    assert_renders_truly(read_bulletin(path), tmp_path, path.stem)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["bulletin-2024-04-12-no13.txt", "bulletin-2024-05-13-no17.txt", "bulletin-2024-07-15-no26.txt"]
)
def test_shared_bulletins_render_with_true_contents_pages_and_decodable_qr_codes(
    shared_dir: Path, name: str, tmp_path: Path
) -> None:
    issue = parse_bulletin((shared_dir / "bulletins" / name).read_text(encoding="utf-8"), name)
    assert_renders_truly(issue, tmp_path, None)


@pytest.mark.parametrize("title", ["标题\u00ad", "数据\u00ad要素", "\u00ad"])
def test_a_title_with_a_soft_hyphen_is_laid_out_and_linked_from_the_contents(title: str) -> None:
    """Found by the hostile-input property test: Typst failed on a soft hyphen inside a contents link."""
    article = Article(title=title, column="国策要论", url="https://e.org/a", blocks=[Block.paragraph("正文。")])
    issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3), articles=[article])
    assert render_pdf(issue, columns=DEFAULT_COLUMNS).startswith(b"%PDF")
