"""Subscribers on the desk in Chromium: an administrator signs in, adds, imports a CSV, searches, suppresses
and deletes by keyboard and mouse; axe-core finds no serious or critical problem on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policydigest.delivery import subscribers as subs
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.web import create_app
from tests.conftest import serious_axe_violations
from tests.desk_support import PASSWORD, make_users
from tests.web_support import serving

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The app over a store with the desk's accounts and two subscribers, served on loopback."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    make_users(store)
    subs.add_subscriber(store, "first@example.org", source="<b>web</b> 127.0.0.1")
    subs.add_subscriber(store, "second@example.net")
    settings = Settings(database_url=url, index_path=tmp_path / "index", web_secret_key="k" * 32)  # type: ignore[arg-type]
    with serving(create_app(settings)) as base:
        yield base, store


def problems(page: Any) -> list[str]:
    return [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in serious_axe_violations(page)]


def test_an_administrator_manages_subscribers_in_the_browser(
    browser: Any, served: tuple[str, Store], tmp_path: Path
) -> None:
    base, store = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base + "/desk/subscribers")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/desk/subscribers"))
        assert page.get_by_role("link", name="订阅者").get_attribute("aria-current") == "page"
        assert page.get_by_role("cell", name="first@example.org", exact=True).is_visible()
        assert not problems(page)

        page.get_by_label("邮箱", exact=True).fill("third@example.org")
        page.get_by_role("button", name="添加").click()
        assert page.get_by_role("status").inner_text().startswith("已添加 third@example.org")

        upload = tmp_path / "readers.csv"
        upload.write_text("email,columns\nfourth@example.org,地方新政\nbad\n", encoding="utf-8")
        page.get_by_label("CSV 文件").set_input_files(str(upload))
        page.get_by_role("button", name="导入").click()
        assert "已导入 1 位订阅者" in page.get_by_role("status").inner_text()
        assert not problems(page)

        page.get_by_label("邮箱包含").fill("example.org")
        page.get_by_label("邮箱包含").press("Enter")
        page.wait_for_url(re.compile(r"q=example.org"))
        assert page.get_by_role("cell", name="second@example.net", exact=True).count() == 0
        assert page.get_by_role("cell", name="fourth@example.org", exact=True).is_visible()

        page.get_by_role("button", name="屏蔽 first@example.org").click()
        assert subs.get_subscriber(store, "first@example.org").status == "suppressed"
        page.once("dialog", lambda dialog: dialog.accept())
        button = page.get_by_role("button", name="删除 third@example.org")
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "已删除 third@example.org" in page.get_by_role("status").inner_text()
        assert "third@example.org" not in {s.email for s in subs.list_subscribers(store)}
        assert not problems(page)

        assert "q=example.org" in page.url  # the buttons keep the list as it was searched
        with page.expect_download() as download:
            page.get_by_role("link", name="导出为 CSV").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert exported.splitlines()[0].startswith("email,") and "second@example.net" not in exported
    finally:
        context.close()
