"""Parsing bulletin text: the shared real issues and the project's own samples, pinned per article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policydigest.errors import NotABulletinError
from policydigest.ingest.bulletin.parse import parse_bulletin
from policydigest.model import BlockKind, Issue
from tests.conftest import FIXTURES, SAMPLE_DIR, load_expected

SHARED_EXPECTED = load_expected("shared_bulletins.json")


def assert_matches_expected(issue: Issue, expected: dict[str, Any]) -> None:
    assert (issue.series, issue.number, issue.total_number) == (
        expected["series"],
        expected["number"],
        expected["total_number"],
    )
    assert issue.date.isoformat() == expected["date"]
    assert issue.cover_headline == expected["cover_headline"]
    assert [entry.model_dump() for entry in issue.toc] == expected["toc"]
    got = [(a.title, a.column, a.source, a.url, a.toc_page) for a in issue.articles]
    want = [(a["title"], a["column"], a["source"], a["url"], a["toc_page"]) for a in expected["articles"]]
    for index, (g, w) in enumerate(zip(got, want, strict=False)):
        assert g == w, f"article {index + 1}"
    assert len(got) == len(want)


@pytest.mark.parametrize("expected", SHARED_EXPECTED, ids=[e["file"] for e in SHARED_EXPECTED])
def test_shared_bulletins_import_with_every_article_as_an_editor_reads_it(
    shared_dir: Path, expected: dict[str, Any]
) -> None:
    text = (shared_dir / "bulletins" / expected["file"]).read_text(encoding="utf-8")
    assert_matches_expected(parse_bulletin(text, expected["file"]), expected)


SAMPLE_EXPECTED = load_expected("sample_bulletins.json")


@pytest.mark.parametrize("expected", SAMPLE_EXPECTED, ids=[e["file"] for e in SAMPLE_EXPECTED])
def test_sample_bulletins_import_as_pinned(expected: dict[str, Any]) -> None:
    text = (SAMPLE_DIR / expected["file"]).read_text(encoding="utf-8")
    assert_matches_expected(parse_bulletin(text, expected["file"]), expected)


def test_mini_bulletin_imports_as_pinned() -> None:
    text = (FIXTURES / "mini-bulletin.txt").read_text(encoding="utf-8")
    assert_matches_expected(parse_bulletin(text), load_expected("mini_bulletin.json"))


def test_shared_article_counts_are_19_16_14(shared_dir: Path) -> None:
    counts = [
        len(parse_bulletin((shared_dir / "bulletins" / e["file"]).read_text(encoding="utf-8")).articles)
        for e in SHARED_EXPECTED
    ]
    assert counts == [19, 16, 14]


def test_contents_and_body_mismatches_are_reported_as_warnings(shared_dir: Path) -> None:
    issue = parse_bulletin((shared_dir / "bulletins" / "bulletin-2024-04-12-no13.txt").read_text(encoding="utf-8"))
    assert sum("不在目录中" in w for w in issue.warnings) == 3
    assert any("美国防部" in w and "美国国防部" in w for w in issue.warnings)


def test_masthead_fields_are_parsed(shared_dir: Path) -> None:
    issue = parse_bulletin((shared_dir / "bulletins" / "bulletin-2024-05-13-no17.txt").read_text(encoding="utf-8"))
    roles = {role.role: role.names for role in issue.masthead.roles}
    assert len(issue.masthead.guiding_units) == 2
    assert {"主编", "联合主编", "编委会", "总编辑", "责任编辑"} <= set(roles)
    assert len(roles["编委会"]) == 8 and all(2 <= len(name) <= 3 for name in roles["编委会"])
    assert issue.masthead.address is not None and issue.masthead.address.endswith("7楼")
    assert "邮箱" in issue.masthead.contacts
    assert issue.disclaimer and issue.disclaimer.endswith("处理。")
    assert [part.heading for part in issue.back_matter][:1] and issue.back_matter[0].blocks


def test_flattened_tables_and_captions_are_kept_as_structure(shared_dir: Path) -> None:
    issue = parse_bulletin((shared_dir / "bulletins" / "bulletin-2024-04-12-no13.txt").read_text(encoding="utf-8"))
    unicorn = next(a for a in issue.articles if "独角兽" in a.title)
    tables = [b for b in unicorn.blocks if b.kind is BlockKind.TABLE]
    assert [len(t.rows) for t in tables] == [11, 12]  # header + ten rows; the second has a tie at 10
    captions = [b.text for b in unicorn.blocks if b.kind is BlockKind.CAPTION]
    assert len(captions) == 4  # a title above and a note below each table


def test_paragraphs_broken_by_page_breaks_are_reflowed(shared_dir: Path) -> None:
    issue = parse_bulletin((shared_dir / "bulletins" / "bulletin-2024-04-12-no13.txt").read_text(encoding="utf-8"))
    paragraphs = [b.text for a in issue.articles for b in a.blocks if b.kind is BlockKind.PARAGRAPH]
    assert any("强化党的政治建设" in p for p in paragraphs)
    assert not any(p.startswith("治建设") for p in paragraphs)


def test_source_and_link_lines_leave_the_body(shared_dir: Path) -> None:
    for expected in SHARED_EXPECTED:
        issue = parse_bulletin((shared_dir / "bulletins" / expected["file"]).read_text(encoding="utf-8"))
        for article in issue.articles:
            assert "原文链接" not in article.body and "扫描二维码" not in article.body
            assert "（来源：" not in article.body.splitlines()[-1]


def test_text_without_a_bulletin_header_is_refused() -> None:
    with pytest.raises(NotABulletinError, match="第N期"):
        parse_bulletin("数据要素市场建设提速\n\n近日，某地发布实施方案。")


def test_header_without_articles_is_refused() -> None:
    with pytest.raises(NotABulletinError, match="没有文章"):
        parse_bulletin("数字经济观察\n\n2025年3月14日 第8期 总第57期\n\n本期要目\n")
