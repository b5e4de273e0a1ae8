"""Each of the three shared bulletins, imported, renders to HTML, e-mail, Markdown and DOCX intact."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import lxml.html
import pytest
from markdown_it import MarkdownIt

from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.profile import load_profile
from policydigest.render.output import render_issue
from tests.conftest import load_expected
from tests.render_support import COLUMNS, shared_bulletins

EXPECTED = {issue["file"]: issue for issue in load_expected("shared_bulletins.json")}


@pytest.fixture(params=[p.name for p in shared_bulletins()] or ["(../shared absent)"])
def bulletin(request: pytest.FixtureRequest, shared_dir: Path) -> Path:
    return shared_dir / "bulletins" / str(request.param)


def _render(path: Path, fmt: str) -> bytes:
    issue = read_bulletin(path)
    # Not kept under artifacts/: the renders carry the shared bulletins' text, which stays outside the repository.
    return render_issue(issue, fmt, profile=load_profile(), default_columns=COLUMNS)


def _expected_titles(path: Path) -> list[str]:
    return [_squash(a["title"]) for a in EXPECTED[path.name]["articles"]]


def _squash(text: str) -> str:
    return "".join(text.split())


def test_html_page_holds_every_article_with_source_link_and_qr(bulletin: Path) -> None:
    doc = lxml.html.document_fromstring(_render(bulletin, "html").decode())
    articles = doc.findall(".//article")
    assert [_squash(a.findtext("h3")) for a in articles] == _expected_titles(bulletin)
    expected = EXPECTED[bulletin.name]["articles"]
    for element, wanted in zip(articles, expected, strict=True):
        if wanted.get("url"):
            assert wanted["url"] in [a.get("href") for a in element.findall(".//a")]
            assert len(element.findall(".//svg")) == 1
        if wanted.get("source"):
            assert f"（来源：{wanted['source']}）" in element.text_content()
    nav_links = [a.get("href")[1:] for a in doc.find(".//nav").findall(".//a")]
    assert nav_links and all(doc.get_element_by_id(anchor).tag == "article" for anchor in nav_links)


def test_email_holds_every_article_with_inline_styles_only(bulletin: Path) -> None:
    html = _render(bulletin, "email").decode()
    doc = lxml.html.document_fromstring(html)
    assert not doc.findall(".//style") and not doc.findall(".//script") and "<link" not in html
    assert [_squash(h.text_content()) for h in doc.iter("h3")] == _expected_titles(bulletin)


def test_markdown_parses_back_to_every_article(bulletin: Path) -> None:
    html = MarkdownIt("commonmark").enable("table").render(_render(bulletin, "md").decode())
    doc = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    titles = [_squash(h.text_content()) for h in doc.iter("h3")]
    assert titles[: len(_expected_titles(bulletin))] == _expected_titles(bulletin)
    urls = [a["url"] for a in EXPECTED[bulletin.name]["articles"] if a.get("url")]
    assert [a.get("href") for a in doc.iter("a")] == urls


def test_docx_reads_back_every_article_title(bulletin: Path) -> None:
    document = docx.Document(io.BytesIO(_render(bulletin, "docx")))
    headings = [_squash(p.text) for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert headings[: len(_expected_titles(bulletin))] == _expected_titles(bulletin)
