"""trafilatura as the fallback, and facts kept only in script data (galleries, publish dates)."""

from __future__ import annotations

import datetime as dt
import json

import lxml.html
import pytest

import policydigest.ingest.extract as extract
from policydigest.ingest.extract.dom import parse_html
from policydigest.ingest.extract.fallback import trafilatura_paragraphs
from policydigest.ingest.extract.scriptdata import gallery_captions, script_published
from policydigest.model import Block

ARTICLE = (
    "<html><head><title>数字政府建设新进展</title></head><body><nav><a href='/'>首页</a></nav><article>"
    "<h2>一、总体情况</h2><p>今年以来，政务服务“一网通办”能力持续提升，办件量同比增长两成以上。</p>"
    "<p>各地围绕高频事项推进“高效办成一件事”，企业和群众办事更加便利，满意度明显提高。</p>"
    "<ul><li>推行电子证照互认共享。</li><li>推进数据共享和业务协同。</li></ul></article>"
    "<footer>版权所有</footer></body></html>"
)


def test_trafilatura_paragraphs_keep_headings_and_list_items_apart() -> None:
    root = parse_html(ARTICLE)
    assert root is not None
    paras = trafilatura_paragraphs(root)
    texts = [p.text for p in paras if not isinstance(p, Block)]
    assert "一、总体情况" in texts
    assert "推行电子证照互认共享。" in texts and "推进数据共享和业务协同。" in texts
    assert not any("版权所有" in t or "首页" in t for t in texts)


def test_extract_page_falls_back_to_trafilatura_when_no_container_is_found(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(extract, "find_container", lambda root: None)
    with caplog.at_level("INFO", logger="policydigest"):
        page = extract.extract_page(ARTICLE)
    assert page is not None
    assert "政务服务“一网通办”能力持续提升" in page.body
    assert any("trafilatura" in r.message for r in caplog.records)


def _gallery_page(captions: list[str]) -> str:
    inner = json.dumps(json.dumps({"count": len(captions), "sub_abstracts": captions}, ensure_ascii=False))
    return (
        "<html><head><title>图集：新建数据中心投入运行</title></head><body><h1>图集：新建数据中心投入运行</h1>"
        f"<div class='abstract'>{captions[0]}</div><script>var data = {{gallery: JSON.parse({inner})}};</script>"
        "</body></html>"
    )


def test_gallery_captions_kept_in_script_data_become_the_body() -> None:
    captions = [
        "新建数据中心近日投入运行，机柜总数达到三千个。",
        "数据中心采用液冷技术，能效水平领先。",
        "园区还建设了光伏电站。",
    ]
    page = extract.extract_page(_gallery_page(captions))
    assert page is not None
    assert [b.text for b in page.blocks] == captions


def test_gallery_captions_reader_ignores_scripts_without_galleries() -> None:
    root = lxml.html.fromstring('<html><script>var x = JSON.parse("{\\"a\\": 1, \\"b\\": [1, 2, 3]}");</script></html>')
    assert gallery_captions(root) == []


def test_publish_date_kept_in_application_state_is_found() -> None:
    root = lxml.html.fromstring(
        '<html><script>window.__STATE__ = {"topic": {"publishDate": "2019-09-07T05:51:23.000Z"}};</script></html>'
    )
    assert script_published(root) == dt.datetime(2019, 9, 7, 13, 51, 23)
