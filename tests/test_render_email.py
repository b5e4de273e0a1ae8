"""The e-mail variant: no script, no external or embedded CSS, every styled element styled inline."""

from __future__ import annotations

import lxml.html
import pytest

from policydigest.model import Issue
from policydigest.render.email import render_email
from tests.render_support import COLUMNS, hostile_issue, sample_issue

#: Elements the template always styles (through a class that css-inline turns into style="…").
STYLED = {"p", "h1", "h2", "h3", "h4", "a", "td", "table", "body"}


@pytest.fixture(scope="module", params=["sample", "hostile"])
def mail(request: pytest.FixtureRequest) -> tuple[Issue, str]:
    issue = sample_issue() if request.param == "sample" else hostile_issue()
    return issue, render_email(issue, columns=COLUMNS)


def test_the_mail_has_no_script_no_style_sheet_and_no_style_block(mail: tuple[Issue, str]) -> None:
    _, html = mail
    doc = lxml.html.document_fromstring(html)
    assert not doc.findall(".//script") and not doc.findall(".//style")
    assert not [link for link in doc.iter("link") if "stylesheet" in (link.get("rel") or "").lower()]
    assert "<style" not in html.lower() and "@import" not in html


def test_every_styled_element_carries_its_style_inline(mail: tuple[Issue, str]) -> None:
    _, html = mail
    doc = lxml.html.document_fromstring(html)
    unstyled = [
        (e.tag, e.get("class"))
        for e in doc.iter()
        if isinstance(e.tag, str) and (e.get("class") or e.tag in STYLED) and not e.get("style")
    ]
    # Only the outer layout table cells and the masthead's inner table take their look from attributes.
    assert all(tag in ("td", "table") and cls is None for tag, cls in unstyled), unstyled
    assert doc.find(".//body").get("style")


def test_layout_uses_presentation_tables_and_needs_no_images(mail: tuple[Issue, str]) -> None:
    issue, html = mail
    doc = lxml.html.document_fromstring(html)
    assert doc.get("lang") == "zh-CN"
    assert not doc.findall(".//img") and not doc.findall(".//svg")
    sheet = doc.find(".//table[@class='sheet']")
    assert sheet is not None and sheet.get("role") == "presentation" and sheet.get("width") == "640"
    titles = [h.text_content() for h in doc.iter("h3")]
    assert titles == [a.title for a in issue.articles]


def test_crawled_markup_in_the_mail_stays_text() -> None:
    html = render_email(hostile_issue(), columns=COLUMNS)
    doc = lxml.html.document_fromstring(html)
    assert not doc.findall(".//iframe") and not doc.findall(".//b") and not doc.findall(".//em")
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "https://www.example.gov.cn/a.html?x=1&y=2" in hrefs
    assert not [h for h in hrefs if h and "javascript" in h]
    assert "标题<script>alert(1)</script>" in doc.text_content()
