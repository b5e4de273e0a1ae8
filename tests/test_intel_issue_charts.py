"""Trend charts in the rendered issue: off by default, switched on by a setting, drawn from what readers may
see, and shown in the PDF (SVG) and the e-mail (PNG inside the HTML), each with its data table."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from intel_samples import UNVETTED, enriched, policy_issue
from policydigest.cli import app
from policydigest.intel.issue_charts import issue_charts
from policydigest.render.email import render_email
from policydigest.render.figures import IssueChart
from policydigest.render.pdf import render_pdf
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from tests.pdf_checks import page_texts, squeeze

ON = Settings(bulletin_trend_chart=True)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """The sample policy issue (published 2025-03-31) and one unvetted provincial plan of 2025-03."""
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    opened.save_issue(policy_issue())
    with opened.session() as session, session.begin():
        opened.upsert_article(session, enriched(*UNVETTED, published=dt.date(2025, 3, 10)))
    return opened


def test_no_chart_unless_the_setting_asks_for_one(store: Store) -> None:
    issue = store.get_issue(1)
    assert issue_charts(store, Settings(), issue) == []
    assert "<img" not in render_email(issue, columns=[])


def test_the_chart_counts_the_documents_readers_may_see_in_the_year_up_to_the_issue(store: Store) -> None:
    issue = store.get_issue(1)
    [chart] = issue_charts(store, ON, issue)
    assert chart.rows == [("2025-03", "方案", 1), ("2025-03", "计划", 1)]  # the unvetted 方案 is not counted
    assert chart.png.startswith(b"\x89PNG") and chart.svg.startswith("<svg")
    earlier = issue.model_copy(update={"date": dt.date(2025, 2, 28)})
    assert issue_charts(store, ON, earlier) == []  # nothing announced up to then


def test_the_chart_is_printed_in_the_pdf_with_its_table(store: Store, tmp_path: Path) -> None:
    issue = store.get_issue(1)
    charts = issue_charts(store, ON, issue)
    pages = page_texts(render_pdf(issue, columns=["国策要论", "地方新政"], charts=charts), tmp_path)
    last = squeeze(pages[-1])
    assert squeeze(charts[0].title) in last and "文件类型" in last and "2025-03" in last
    plain = page_texts(render_pdf(issue, columns=["国策要论", "地方新政"]), tmp_path)
    assert len(plain) == len(pages) - 1


def test_the_mail_carries_the_chart_as_a_png_with_a_table_and_keeps_crawled_labels_as_text() -> None:
    chart = IssueChart("趋势", "月份", "类型", [("2025-03", "<b>办法</b>", 2)], "<svg/>", b"\x89PNG-bytes")
    issue = policy_issue()
    doc = lxml.html.document_fromstring(render_email(issue, columns=[], charts=[chart]))
    [img] = doc.findall(".//img")
    assert base64.b64decode(img.get("src").removeprefix("data:image/png;base64,")) == chart.png
    assert img.get("alt") == "趋势（数据见下表）"
    table = img.getnext()
    assert [th.text_content() for th in table.iter("th")] == ["月份", "类型", "数量"]
    assert [td.text_content() for td in table.iter("td")] == ["2025-03", "<b>办法</b>", "2"]
    assert not doc.findall(".//b")


def test_the_render_command_adds_the_chart_when_the_setting_is_on(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYDIGEST_BULLETIN_TREND_CHART", "true")
    db, out = str(store.engine.url).removeprefix("sqlite:///"), tmp_path / "mail.html"
    result = CliRunner().invoke(app, ["--db", db, "render", "1", "--format", "email", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "bulletin_trend_chart" in result.output and "data:image/png;base64," in out.read_text(encoding="utf-8")


@pytest.mark.slow  # two PDFs rendered through the web app
def test_the_web_download_carries_the_chart_the_cli_render_does(store: Store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from policydigest.web import create_app

    def download(chart: bool) -> bytes:
        settings = Settings(
            database_url=str(store.engine.url),
            index_path=tmp_path / f"index-{chart}",
            outputs_path=tmp_path / f"outputs-{chart}",
            catalogue_file=None,
            web_open_library=True,
            bulletin_trend_chart=chart,
        )
        with TestClient(create_app(settings)) as client:
            answer = client.get("/issues/1/download.pdf")
        assert answer.status_code == 200, answer.text
        return answer.content

    with_chart, without = page_texts(download(True), tmp_path), page_texts(download(False), tmp_path)
    assert len(with_chart) == len(without) + 1
    assert "文件类型" in squeeze(with_chart[-1]) and "文件类型" not in squeeze(without[-1])
