"""The whole week at the desk in a real browser, two people in two browser contexts: the editor crawls
the loopback fixture site, builds a four-column issue, edits a title and submits; the chief returns it
with a comment; the editor fixes and resubmits; the chief approves and publishes; the issue, its PDF and
the feeds are then public. axe-core checks every desk page; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.conftest import ROOT, serious_axe_violations
from tests.desk_support import PASSWORD, make_users
from tests.web_support import serving

pytestmark = pytest.mark.slow

SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture
def desk_url(web: Any, tmp_path: Path) -> Iterator[str]:
    """The app over an empty store whose catalogue is the fixture site's RSS and Atom feeds, served."""
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        "".join(
            f'[[source]]\nname = "{name}"\nkind = "feed"\nurl = "{web.url(path)}"\nverified = true\n\n'
            for name, path in (("明湖·RSS", "/feeds/rss.xml"), ("明湖·Atom", "/feeds/atom.xml"))
        ),
        encoding="utf-8",
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'desk.db'}",
        index_path=tmp_path / "index",
        catalogue_file=catalogue,
        fetch_allowed_networks=["127.0.0.1/32"],
        fetch_host_delay=0.0,
        fetch_retries=0,
        fetch_timeout=5.0,
        web_secret_key="browser-test-key-" + "x" * 16,  # type: ignore[arg-type]
    )
    make_users(open_store(settings.database_url))
    with serving(create_app(settings)) as url:
        yield url


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-{name}.png"), full_page=True)


def axe_problems(page: Any) -> list[str]:
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious_axe_violations(page)]


def person(browser: Any, base: str, name: str) -> Any:
    """A browser context of its own, signed in as ``name`` through the login page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/desk/inbox")
    assert "/login" in page.url
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/desk/inbox"))
    return page


def press(page: Any, button: Any) -> None:
    """Use a button by keyboard: focus it and press Enter, then wait for the page it leads to."""
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def section(page: Any, column: str) -> Any:
    return page.locator("section", has=page.get_by_role("heading", name=column, exact=True))


def test_the_whole_week_at_the_desk(browser: Any, desk_url: str) -> None:
    anonymous = browser.new_context(locale="zh-CN", bypass_csp=True).new_page()  # axe is injected
    anonymous.goto(desk_url + "/login")
    assert not axe_problems(anonymous)
    shot(anonymous, "01-login")

    editor = person(browser, desk_url, "editor")
    chief = person(browser, desk_url, "chief")

    # The editor crawls the sources one after the other from the sources page, waiting for each.
    for source, at_least in ((0, 2), (1, 4)):
        editor.goto(desk_url + "/sources")
        press(editor, editor.get_by_role("button", name="重新检查").nth(source))
        deadline = time.monotonic() + 60
        while True:
            editor.goto(desk_url + "/desk/inbox")
            if editor.get_by_role("button", name="加入本期").count() >= at_least or time.monotonic() > deadline:
                break
            time.sleep(1)
    assert editor.get_by_role("button", name="加入本期").count() >= 4
    assert not axe_problems(editor)
    shot(editor, "02-inbox")

    while editor.get_by_role("button", name="加入本期").count():
        press(editor, editor.get_by_role("button", name="加入本期").first)
    editor.goto(desk_url + "/desk/draft")
    columns = [h.inner_text() for h in editor.locator(".columns h2").all()]
    assert len(columns) == 4
    # Fill every column: move an article from the fullest column into each empty one.
    for column in columns:
        if section(editor, column).locator(".item").count():
            continue
        fullest = max(columns, key=lambda c: section(editor, c).locator(".item").count())
        item = section(editor, fullest).locator(".item").last
        item.get_by_label("移至栏目").select_option(column)
        press(editor, item.get_by_role("button", name="移至栏目"))
    assert all(section(editor, c).locator(".item").count() for c in columns)
    # 下移 then 上移 by keyboard, in the fullest column.
    fullest = max(columns, key=lambda c: section(editor, c).locator(".item").count())
    first_title = section(editor, fullest).locator(".item h3").first.inner_text()
    if section(editor, fullest).locator(".item").count() > 1:
        press(editor, section(editor, fullest).get_by_role("button", name="下移").first)
        assert section(editor, fullest).locator(".item h3").nth(1).inner_text().endswith(first_title[3:])
        press(editor, section(editor, fullest).get_by_role("button", name="上移").nth(1))
    # Edit a title inline.
    item = section(editor, columns[0]).locator(".item").first
    item.locator("summary").click()
    item.get_by_label("标题").fill("编辑改写的标题：明湖数据工作")
    press(editor, item.get_by_role("button", name="保存修改"))
    assert "编辑改写的标题" in editor.locator(".columns").inner_text()
    assert not axe_problems(editor)
    shot(editor, "03-draft")
    editor.get_by_role("link", name="预览PDF版面").click()
    editor.wait_for_url(re.compile(r"/desk/draft/pages"))
    editor.locator("ol.pages img").last.scroll_into_view_if_needed()
    assert editor.locator("ol.pages img").count() >= 2
    assert not axe_problems(editor)
    shot(editor, "03b-pages")
    editor.goto(desk_url + "/desk/draft")
    press(editor, editor.get_by_role("button", name="提交审核"))
    assert "审核中" in editor.locator("main").inner_text()

    # The chief returns it with a comment.
    chief.goto(desk_url + "/desk/draft")
    assert chief.get_by_role("button", name="发布").count() == 0  # not approved yet
    chief.get_by_label("退回意见").fill("标题请再精炼")
    shot(chief, "04-review")
    press(chief, chief.get_by_role("button", name="退回"))

    # The editor sees the comment, fixes the title and resubmits.
    editor.goto(desk_url + "/desk/draft")
    assert "标题请再精炼" in editor.locator(".review").inner_text()
    item = section(editor, columns[0]).locator(".item").first
    item.locator("summary").click()
    item.get_by_label("标题").fill("明湖数据工作新进展")
    press(editor, item.get_by_role("button", name="保存修改"))
    press(editor, editor.get_by_role("button", name="提交审核"))

    # The chief sees what changed since the review, approves and publishes.
    chief.goto(desk_url + "/desk/draft")
    assert "明湖数据工作新进展" in chief.locator("ul.diff").inner_text()
    assert not axe_problems(chief)
    shot(chief, "05-changes")
    press(chief, chief.get_by_role("button", name="批准"))
    press(chief, chief.get_by_role("button", name="发布"))
    published = chief.locator("p.notice").inner_text()
    total = int(re.search(r"总第(\d+)期", published).group(1))  # type: ignore[union-attr]

    chief.goto(desk_url + "/desk/audit")
    assert not axe_problems(chief)
    shot(chief, "06-audit")

    # Public: the issue page, its PDF and the feed.
    anonymous.goto(desk_url + f"/issues/{total}")
    assert "明湖数据工作新进展" in anonymous.locator("main").inner_text()
    shot(anonymous, "07-published-issue")
    pdf = httpx.get(desk_url + f"/issues/{total}/versions/1.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert "明湖数据工作新进展" in httpx.get(desk_url + "/feeds/issues.atom").text or str(total) in httpx.get(
        desk_url + "/feeds/issues.atom"
    ).text
    editor.get_by_role("button", name="退出登录").click()
    editor.wait_for_url(re.compile(r"/login"))
    editor.goto(desk_url + "/desk/draft")
    assert "/login" in editor.url
