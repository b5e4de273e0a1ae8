"""Acceptance 2 of issue 16: arbitrary Unicode (controls, bidi and lone surrogates included) goes in through
import, add and search, and comes out in every output: page, API, Atom, RSS, JSON Feed, PDF, DOCX, e-mail
and Markdown. Nothing fails with a server error, and every XML output parses strictly."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from policydigest.ingest.add import add_file
from policydigest.ingest.importer import import_file
from policydigest.model import Article, Block, Issue
from policydigest.profile import load_profile
from policydigest.render.output import FORMATS, render_issue
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.slow

#: Characters hostile input is made of, beside any Unicode text: controls, bidi, noncharacters, surrogates.
NASTY = "\x00\x07\x0b\x0c\x1b\x7f\x85\x9b\u061c\u200e\u202a\u202e\u2066\u2069\ufeff\ufffe\uffff\ud800\udfff<>&\"'"
hostile = st.text(st.one_of(st.characters(), st.sampled_from(NASTY)), min_size=1, max_size=40)
COVER = "国家数据局等4部门部署开展数据流通利用设施建设试点"
TITLE = "工信部印发《工业数据资源登记管理办法（试行）》"
PARAGRAPH = "《办法》明确，工业数据资源登记遵循"


def one_line(text: str) -> str:
    """``text`` as it can stand in a UTF-8 text file on one line (a file cannot hold a lone surrogate)."""
    return "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF).replace("\n", " ").replace("\r", " ")


def bulletin_with(text: str, folder: Path) -> Path:
    """The sample bulletin with ``text`` in its cover line, an article title and a paragraph."""
    sample = (SAMPLE_DIR / "sample-bulletin-no8.txt").read_text(encoding="utf-8")
    line = one_line(text)
    changed = sample.replace(COVER, COVER + line, 1).replace(TITLE, TITLE + line, 1)
    path = folder / "issue.txt"
    path.write_text(changed.replace(PARAGRAPH, line + PARAGRAPH, 1), encoding="utf-8")
    return path


def page_with(text: str, folder: Path) -> Path:
    """A saved web page whose title and body carry ``text`` (escaped as HTML, as a page would)."""
    from html import escape

    line = escape(one_line(text))
    sentence = "各地区要加强数据安全保护，完善数据分类分级制度，推动数据有序流通。"
    body = "".join(f"<p>第{i}段：{line}{sentence}</p>" for i in range(3))
    path = folder / "page.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'><title>通知{line}</title></head><body><h1>通知{line}</h1>"
        f"<div class='TRS_Editor'>{body}</div></body></html>",
        encoding="utf-8",
    )
    return path


def parses(response_content: bytes, kind: str) -> None:
    if kind == "xml":
        etree.fromstring(response_content)  # strict: no recovery
    elif kind == "json":
        json.loads(response_content)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
@example(text=NASTY + "<img src=x onerror=alert(2)>第9期")
@example(text="\u00ad")  # a soft hyphen in a contents link once made Typst fail
def test_arbitrary_unicode_through_import_add_and_search_reaches_every_output_safely(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = Settings(
            database_url=f"sqlite:///{folder / 'store.db'}",
            index_path=folder / "index",
            enrich_on_import=False,
            web_trusted_hosts=["testserver"],
        )
        store = open_store(config.database_url)
        imported = import_file(bulletin_with(text, folder), store, config)
        assert imported.status != "failed" or imported.reason  # a failure is a clear one-line reason
        added = add_file(page_with(text, folder), config, store)
        assert added.status in ("stored", "duplicate", "no body"), added.reason
        # The model is a way in of its own: the raw text, lone surrogates included.
        raw = Issue(
            series=f"系列{text}",
            number=1,
            total_number=900,
            date="2025-01-03",
            cover_headline=text,
            articles=[Article(title=f"标题{text}", column="国策要论", url=f"https://e.org/{text}", blocks=[
                Block.paragraph(text), Block.table([[text, "表格"]])
            ])],
        )
        store.save_issue(raw)
        issues = [summary.total_number for summary in store.list_issues()]
        profile = load_profile()
        for issue in (store.get_issue(n) for n in issues):
            for fmt in FORMATS:
                data = render_issue(issue, fmt, profile=profile, default_columns=config.columns)
                if fmt == "pdf":
                    assert data.startswith(b"%PDF")
                elif fmt == "docx":
                    with zipfile.ZipFile(io.BytesIO(data)) as docx:
                        etree.fromstring(docx.read("word/document.xml"))
                else:
                    data.decode("utf-8")
        query = quote(one_line(text), safe="")
        urls: list[tuple[str, str]] = [
            ("/", "html"),
            (f"/search?q={query}", "html"),
            (f"/api/v1/search?q={query}", "json"),
            *((f"/issues/{n}", "html") for n in issues),
            *((f"/api/v1/issues/{n}", "json") for n in issues),
        ]
        for fmt, kind in (("atom", "xml"), ("rss", "xml"), ("json", "json")):
            urls += [(f"/feeds/issues.{fmt}", kind), (f"/feeds/search.{fmt}?q={query}", kind)]
            urls += [(f"/feeds/columns/国策要论.{fmt}", kind)]
        with TestClient(create_app(config)) as client:
            ids = [item["id"] for item in client.get("/api/v1/articles", params={"limit": 100}).json()["items"]]
            urls += [(f"/articles/{i}", "html") for i in ids] + [(f"/api/v1/articles/{i}", "json") for i in ids]
            for url, kind in urls:
                response = client.get(url)
                assert response.status_code < 500, (url, response.text[:300])
                if response.status_code == 200:
                    parses(response.content, kind)
                    assert "\x00" not in response.text and "\u202e" not in response.text
