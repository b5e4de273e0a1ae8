"""The editorial desk over HTTP: logging in and out, the inbox, the draft, review, publishing, conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from policydigest.compose.demo import load_articles, store_articles
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from tests.conftest import SAMPLE_DIR
from tests.desk_support import PASSWORD, login, login_form_token, make_users


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A web app over a store of the sample web articles, with one account per role (and their tokens)."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'desk.db'}", index_path=tmp_path / "index", web_secret_key="k" * 32
    )  # type: ignore[arg-type]
    store = open_store(settings.database_url)
    store_articles(store, load_articles(SAMPLE_DIR / "articles.json"))
    tokens = make_users(store)
    with TestClient(create_app(settings)) as client:
        yield client, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def call(client: TestClient, token: str, method: str, path: str, **body: Any) -> Any:
    """An API request to ``/api/v1/desk/PATH`` with ``token`` and a JSON body."""
    return client.request(method, f"/api/v1/desk/{path}", json=body or None, headers=bearer(token))


def inbox_ids(client: TestClient, token: str) -> list[int]:
    answer = client.get("/api/v1/desk/inbox", params={"limit": 200}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return [row["article_id"] for row in answer.json()["items"]]


def draft_version(client: TestClient, token: str) -> int:
    answer = client.get("/api/v1/desk/draft", headers=bearer(token))
    return int(answer.json()["version"]) if answer.status_code == 200 else 0


def test_a_wrong_password_is_refused_and_the_right_one_opens_a_fresh_session(desk: Any) -> None:
    client, _ = desk
    token = login_form_token(client)
    wrong = client.post("/login", data={"name": "editor", "password": "nope-nope-nope", "csrf": token})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    client.cookies.set("pd_session", "planted-by-an-attacker", domain="testserver.local")
    login(client, "editor")
    assert client.cookies.get("pd_session") != "planted-by-an-attacker"
    assert client.get("/desk/inbox").status_code == 200


def test_logging_out_ends_the_session_even_for_a_copied_cookie(desk: Any) -> None:
    client, _ = desk
    csrf = login(client, "editor")
    copied = client.cookies.get("pd_session")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("pd_session", copied or "", domain="testserver.local")
    assert client.get("/desk/inbox", follow_redirects=False).headers["location"].startswith("/login")


def test_an_idle_session_expires(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", index_path=tmp_path / "i")
    store = open_store(settings.database_url)
    make_users(store)
    from policydigest.desk.accounts import Accounts
    from policydigest.store.desk_schema import SessionRow

    accounts = Accounts(store)
    session_id = accounts.open_session(accounts.get("editor"))
    assert accounts.session_user(session_id, dt.timedelta(minutes=5)) is not None
    with store.session() as session, session.begin():
        for row in session.query(SessionRow):
            row.last_seen = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    assert accounts.session_user(session_id, dt.timedelta(minutes=5)) is None


def test_repeated_failed_logins_are_throttled_per_account(desk: Any) -> None:
    client, _ = desk
    for _ in range(5):
        token = login_form_token(client)
        client.post("/login", data={"name": "chief", "password": "wrong-password", "csrf": token})
    token = login_form_token(client)
    blocked = client.post("/login", data={"name": "chief", "password": PASSWORD, "csrf": token})
    assert blocked.status_code == 429 and "retry-after" in blocked.headers


def test_bad_api_tokens_are_throttled_per_address(desk: Any) -> None:
    client, _ = desk
    codes = [client.get("/api/v1/desk/me", headers=bearer("pd_guess")).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429


def test_the_whole_week_through_the_api(desk: Any) -> None:
    client, tokens = desk
    editor, chief = tokens["editor"], tokens["chief"]
    ids = inbox_ids(client, editor)
    assert ids
    for article_id in ids[:6]:
        answer = call(client, editor, "POST", f"draft/items/{article_id}", version=draft_version(client, editor))
        assert answer.status_code == 200, answer.text
    draft = client.get("/api/v1/desk/draft", headers=bearer(editor)).json()
    assert draft["state"] == "drafting" and len([i for i in draft["draft"]["items"] if i["state"] == "included"]) == 6
    first = ids[0]
    retitled = call(client, editor, "PATCH", f"draft/items/{first}", version=draft["version"], title="编辑改过的标题")
    assert retitled.status_code == 200, retitled.text
    # The real PDF and images of its pages, before review.
    assert client.get("/desk/draft/preview.pdf", headers=bearer(editor)).content[:5] == b"%PDF-"
    assert client.get("/desk/draft/pages/1.png", headers=bearer(editor)).content[:4] == b"\x89PNG"
    pages = client.get("/desk/draft/pages", headers=bearer(editor)).text
    assert pages.count('<img src="/desk/draft/pages/') >= 2
    # A contributor may not submit, an editor may not approve.
    assert call(client, tokens["contributor"], "POST", "draft/submit", version=1).status_code == 403
    submitted = call(client, editor, "POST", "draft/submit", version=draft_version(client, editor))
    assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"
    assert call(client, editor, "POST", "draft/approve", version=draft_version(client, editor)).status_code == 403
    no_comment = call(client, chief, "POST", "draft/return", version=draft_version(client, chief))
    assert no_comment.status_code == 400
    returned = call(client, chief, "POST", "draft/return", version=draft_version(client, chief), comment="标题太长")
    assert returned.json()["state"] == "drafting" and returned.json()["comment"] == "标题太长"
    fixed = call(client, editor, "PATCH", f"draft/items/{first}", version=draft_version(client, editor), title="短标题")
    assert fixed.status_code == 200
    changes = client.get("/api/v1/desk/draft", headers=bearer(chief)).json()["changes"]
    assert f"#{first} 标题：《编辑改过的标题》→《短标题》" in changes
    assert all("标题" in line for line in changes)  # the title, and the cover headline that follows it
    # Publishing before approval is refused with the reason.
    call(client, editor, "POST", "draft/submit", version=draft_version(client, editor))
    early = call(client, chief, "POST", "draft/publish", version=draft_version(client, chief))
    assert early.status_code == 400 and "批准" in early.json()["error"]["message"]
    call(client, chief, "POST", "draft/approve", version=draft_version(client, chief))
    published = call(client, chief, "POST", "draft/publish", version=draft_version(client, chief))
    assert published.status_code == 200, published.text
    assert published.json()["queued"] == 0 and "订阅者" in published.json()["mail_note"]  # nobody subscribes
    total = published.json()["total_number"]
    issue = client.get(f"/api/v1/issues/{total}").json()
    assert "短标题" in [a["title"] for a in issue["articles"]]
    assert first not in inbox_ids(client, editor)
    assert client.get(f"/articles/{first}").status_code == 200  # published: now public
    # A correction makes version 2 with a dated note; version 1 stays downloadable as it was.
    assert call(client, editor, "POST", f"issues/{total}/corrections", note="更正标题").status_code == 403
    retitle = {str(first): "更正后的标题"}
    fixed = call(client, chief, "POST", f"issues/{total}/corrections", note="标题有误", titles=retitle)
    assert fixed.status_code == 200 and fixed.json()["version"] == 2, fixed.text
    old = client.get(f"/issues/{total}/versions/1.html")
    assert old.status_code == 200 and "短标题" in old.text and "更正后的标题" not in old.text
    assert f"总第{total}期（第1版）.html" in unquote(old.headers["content-disposition"])  # named like a download
    new = client.get(f"/issues/{total}/versions/2.html").text
    assert "更正后的标题" in new and "更正：标题有误" in new
    assert "更正后的标题" in [a["title"] for a in client.get(f"/api/v1/issues/{total}").json()["articles"]]
    audit = client.get("/api/v1/desk/audit", params={"subject": "draft"}, headers=bearer(editor)).json()
    done = {e["action"] for e in audit}
    assert {"review.submit", "review.return", "review.approve", "draft.text", "draft.add"} <= done


def test_a_stale_edit_gets_a_conflict_with_the_current_state_and_loses_nothing(desk: Any) -> None:
    client, tokens = desk
    editor = tokens["editor"]
    first, second = inbox_ids(client, editor)[:2]
    call(client, editor, "POST", f"draft/items/{first}", version=0)
    call(client, editor, "POST", f"draft/items/{second}", version=draft_version(client, editor))
    seen = draft_version(client, editor)
    mine = call(client, editor, "PATCH", f"draft/items/{first}", version=seen, title="甲改")
    assert mine.status_code == 200
    theirs = call(client, tokens["chief"], "PATCH", f"draft/items/{first}", version=seen, title="乙改")
    assert theirs.status_code == 409 and theirs.json()["error"]["code"] == "conflict"
    current = theirs.json()["error"]["details"]
    assert any(i["new_title"] == "甲改" for i in current["draft"]["items"])
    items = client.get("/api/v1/desk/draft", headers=bearer(editor)).json()["draft"]["items"]
    titles = [i.get("new_title") for i in items]
    assert "甲改" in titles and "乙改" not in titles


def test_bad_input_is_refused_with_a_reason(desk: Any) -> None:
    client, tokens = desk
    editor = tokens["editor"]
    first = inbox_ids(client, editor)[0]
    call(client, editor, "POST", f"draft/items/{first}", version=0)
    version = draft_version(client, editor)
    for body, status in (
        ({"url": "javascript:alert(1)"}, 400),
        ({"title": "长" * 201}, 422),
        ({"source": "源" * 101}, 422),
    ):
        answer = call(client, editor, "PATCH", f"draft/items/{first}", version=version, **body)
        assert answer.status_code == status, (body, answer.text)
    private = call(client, editor, "POST", "inbox/urls", url="http://127.0.0.1:9/x")
    assert private.status_code == 400 and "没有加入" in private.json()["error"]["message"]


def test_inbox_pages_show_the_suggestions_and_every_button_is_a_form(desk: Any) -> None:
    client, _ = desk
    login(client, "editor")
    page = client.get("/desk/inbox")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "加入本期" in page.text and "排序依据" in page.text and "退出登录" in page.text
    assert page.text.count('name="csrf"') > 3


def test_only_an_admin_manages_accounts_and_passwords_are_never_shown(desk: Any) -> None:
    client, tokens = desk
    body = {"name": "新编辑", "role": "editor", "password": "一个足够长的口令-42"}
    assert call(client, tokens["chief"], "POST", "users", **body).status_code == 403
    made = call(client, tokens["admin"], "POST", "users", **body)
    assert made.status_code == 201 and made.json() == {"name": "新编辑", "role": "editor", "active": True}
    listed = client.get("/api/v1/desk/users", headers=bearer(tokens["admin"]))
    assert "新编辑" in [u["name"] for u in listed.json()] and "口令" not in listed.text


def test_inbox_states_claims_and_filters(desk: Any) -> None:
    client, tokens = desk
    editor, contributor = tokens["editor"], tokens["contributor"]
    rows = client.get("/api/v1/desk/inbox", headers=bearer(editor)).json()["items"]
    first, second = rows[0], rows[1]
    rejected = call(client, editor, "POST", f"inbox/{first['article_id']}/state", version=0, state="rejected")
    assert rejected.status_code == 200 and rejected.json()["version"] == 1
    stale = call(client, editor, "POST", f"inbox/{first['article_id']}/state", version=0, state="deferred")
    assert stale.status_code == 409 and stale.json()["error"]["details"]["state"] == "rejected"
    assert call(client, contributor, "POST", f"inbox/{second['article_id']}/state", version=0,
                state="rejected").status_code == 403
    claimed = call(client, contributor, "POST", f"inbox/{second['article_id']}/assign", version=0, user="contributor")
    assert claimed.status_code == 200
    assert call(client, contributor, "POST", f"inbox/{second['article_id']}/assign", version=1,
                user="editor").status_code == 403  # a contributor claims for themselves only
    only = client.get("/api/v1/desk/inbox", params={"state": "rejected"}, headers=bearer(editor)).json()
    assert [r["article_id"] for r in only["items"]] == [first["article_id"]]
    source = second["source"]
    same = client.get("/api/v1/desk/inbox", params={"source": source}, headers=bearer(editor)).json()["items"]
    assert same and all(r["source"] == source for r in same)
    assert client.get("/api/v1/desk/inbox", params={"limit": 1, "offset": 1}, headers=bearer(editor)).json()[
        "items"
    ][0]["article_id"] == rows[1]["article_id"]
    claimed_row = next(
        r for r in client.get("/api/v1/desk/inbox", headers=bearer(editor)).json()["items"]
        if r["article_id"] == second["article_id"]
    )
    assert claimed_row["assignee"] == "contributor"


def test_markup_in_a_candidate_is_escaped_on_every_desk_page(desk: Any) -> None:
    client, tokens = desk
    hostile = "<script>alert(1)</script>标题<img src=x onerror=alert(2)>"
    from policydigest.model import Article, Block

    inbox_ids(client, tokens["editor"])  # the desk is made on first use
    store_articles(open_store(str(client.app.state.context.settings.database_url)), [
        Article(title=hostile, source="<b>来源</b>", url="https://example.org/a", blocks=[Block.paragraph("正文。")])
    ])
    client.app.state.desk_actions.inbox.forget()
    ids = inbox_ids(client, tokens["editor"])
    hostile_id = max(ids)
    call(client, tokens["editor"], "POST", f"draft/items/{hostile_id}", version=draft_version(client, tokens["editor"]))
    login(client, "editor")
    for path in ("/desk/inbox", "/desk/draft", "/desk/audit"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>来源" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in client.get("/desk/inbox").text
