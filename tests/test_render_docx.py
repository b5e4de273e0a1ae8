"""DOCX: Word headings, paragraphs, tables, QR images and hyperlinks, read back with python-docx."""

from __future__ import annotations

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE

from policydigest.render.docx import render_docx
from tests.render_support import COLUMNS, hostile_issue, sample_issue


def _styled(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def test_a_docx_round_trip_gives_back_columns_titles_tables_and_links() -> None:
    issue = sample_issue()
    document = docx.Document(io.BytesIO(render_docx(issue, columns=COLUMNS)))
    assert _styled(document, "Title") == [issue.series]
    about = [b.text for part in issue.back_matter for b in part.blocks if b.kind == "heading"]
    assert _styled(document, "Heading 2") == [a.title for a in issue.articles] + about
    assert _styled(document, "Heading 1")[:4] == ["国策要论", "地方新政", "产业前沿", "数谷动态"]
    assert _styled(document, "Heading 1")[-1] == "主编简介"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本期要目" in text and "01\t国家数据局等4部门部署开展数据流通利用设施建设试点 首批遴选20个试点城市" in text
    assert text.count("（来源：") == sum(1 for a in issue.articles if a.source)
    links = [r.target_ref for r in document.part.rels.values() if r.reltype == RELATIONSHIP_TYPE.HYPERLINK]
    assert links == [a.url for a in issue.articles if a.url]
    images = [r for r in document.part.rels.values() if r.reltype == RELATIONSHIP_TYPE.IMAGE]
    assert len(images) == len(links)
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["1", "北京", "86.4", "88.1", "82.6", "90.2", "84.7"] in cells
    assert ["主编", "黔中数字经济研究院"] in cells


def test_hostile_text_is_kept_as_text_without_control_characters() -> None:
    document = docx.Document(io.BytesIO(render_docx(hostile_issue(), columns=COLUMNS)))
    assert _styled(document, "Heading 2") == ["标题<script>alert(1)</script>", "危险链接", "无栏目文章", "某<研究院>"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "- 不是列表控制符" in text and "\x0b" not in text
    assert "javascript:alert(3)" not in text  # the model keeps only http(s) links
    links = [r.target_ref for r in document.part.rels.values() if r.reltype == RELATIONSHIP_TYPE.HYPERLINK]
    assert links == ["https://www.example.gov.cn/a.html?x=1&y=2"]
