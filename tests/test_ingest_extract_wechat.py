"""WeChat articles: account name as source, publish time from the page's script data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html

from policydigest.ingest.extract import extract_page, wechat

PAGE = Path(__file__).parent / "fixtures" / "pages" / "wechat.html"


def test_wechat_article_takes_account_name_as_source_and_ct_as_publish_time() -> None:
    page = extract_page(PAGE.read_bytes(), "https://mp.weixin.qq.com/s/example")
    assert page is not None
    assert page.source == "数谷观察"
    assert page.published == dt.datetime(2024, 6, 3, 11, 10)  # ct 1717384200 in Beijing time
    assert page.title == "数谷观察｜工业互联网标识解析二级节点再添一员"


def test_wechat_body_is_read_even_though_the_page_hides_it_until_scripts_run() -> None:
    page = extract_page(PAGE.read_bytes())
    assert page is not None
    assert page.body.startswith("本报讯")
    assert page.body.endswith("下一步，将推动标识在供应链协同中的应用。")
    for furniture in ("微信扫一扫", "关注该公众号", "隐藏的编辑器标记", "信息来源于网络", "阅读 在看"):
        assert furniture not in page.body


def test_publish_time_falls_back_to_publish_time_variable() -> None:
    root = lxml.html.fromstring(
        '<html><script>var publish_time = "2023-12-01" || "";</script><div id="js_content"></div></html>'
    )
    assert wechat.publish_time(root) == dt.date(2023, 12, 1)


def test_account_name_falls_back_to_the_js_name_element() -> None:
    root = lxml.html.fromstring('<html><body><a id="js_name"> 某某发布 </a><div id="js_content"></div></body></html>')
    assert wechat.account_name(root) == "某某发布"
    assert wechat.is_wechat(root)


def test_an_ordinary_page_is_not_taken_for_wechat() -> None:
    root = lxml.html.fromstring("<html><body><div id='content'>x</div></body></html>")
    assert not wechat.is_wechat(root) and not wechat.is_wechat(root, "https://www.gov.cn/x.html")
