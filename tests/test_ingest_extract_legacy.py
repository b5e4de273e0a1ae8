"""Legacy pages: bodies held in script variables, framesets, and the legacy quality set against its pins."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from bench.extract_quality import LEGACY_PAGES, all_scores, legacy_quality, load_expected
from policydigest.ingest.extract import extract_page
from policydigest.ingest.extract.legacy import main_frame, script_body
from tests.conftest import ROOT

PINS: dict[str, Any] = json.loads((ROOT / "tests" / "quality" / "legacy_scores.json").read_text(encoding="utf-8"))
COMPARED = ("title", "date", "start", "end", "body", "clean", "attachments")


def test_a_body_in_a_single_quoted_script_string_with_escapes_is_found() -> None:
    paragraph = "公共数据开放" * 10
    page = lxml.html.fromstring(
        "<html><body><div id='c'></div><script>var d = "
        f"{{content: '<p>{paragraph}</p><p>\\u7b2c\\u4e8c\\u6bb5\\'。</p>'}};</script></body></html>"
    )
    held = script_body(page)
    assert held is not None
    assert [p.text_content() for p in held.iter("p")] == [paragraph, "第二段'。"]


def test_short_or_markup_free_script_strings_are_not_taken_for_a_body() -> None:
    page = lxml.html.fromstring(
        "<html><body><script>var tip = '" + "请使用新版浏览器访问本站" * 10 + "';"
        " var a = '<p>短</p>';</script></body></html>"
    )
    assert script_body(page) is None


def test_a_page_with_its_own_text_is_not_mistaken_for_a_frameset() -> None:
    page = "<html><body><p>" + "数据要素市场化配置改革" * 5 + "</p><iframe src='/share.html'></iframe></body></html>"
    assert main_frame(page, "http://e.gov.cn/a.html") is None
    assert main_frame("<html><body><iframe src='/zw/1.html'></iframe></body></html>", "http://e.gov.cn/") == (
        "http://e.gov.cn/zw/1.html"
    )


def test_the_script_held_tuning_page_extracts_with_its_metadata() -> None:
    page = extract_page((LEGACY_PAGES / "script-body.html").read_bytes())
    assert page is not None
    assert page.title == "关于印发《临江市数字经济核心产业统计监测办法》的通知"
    assert page.body.startswith("各区县发展改革部门") and page.body.endswith("本办法自2024年4月1日起施行。")


@pytest.fixture(scope="module")
def scores() -> dict[str, Any]:
    return legacy_quality()


@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_legacy_scores_do_not_drop_below_the_pins(scores: dict[str, Any], part: str) -> None:
    ours = scores[part]["policydigest"]
    assert {m: (ours[m], v) for m, v in PINS[part].items() if ours[m] < v} == {}


@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_policydigest_beats_plain_trafilatura_on_the_legacy_pages(scores: dict[str, Any], part: str) -> None:
    ours, theirs = scores[part]["policydigest"], scores[part]["trafilatura_metadata"]
    assert {m: (ours[m], theirs[m]) for m in COMPARED if ours[m] <= theirs[m]} == {}


def test_the_legacy_sets_have_expectations_for_every_page() -> None:
    expected = load_expected(ROOT / "tests" / "quality" / "legacy_pages_expected.json")
    assert sorted(p.stem for p in LEGACY_PAGES.glob("*.html")) == sorted(expected)
    assert set(all_scores(LEGACY_PAGES, expected)["policydigest"]) >= set(COMPARED)
