"""Desk accounts for the web tests: make one per role, sign a test client in, read its CSRF token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from policydigest.desk.accounts import Accounts
from policydigest.store import Store

PASSWORD = "口令-for-tests-1234"
ROLES = ("contributor", "editor", "chief", "admin")


def make_users(store: Store) -> dict[str, str]:
    """One account per role (named like the role, e.g. ``editor``); returns role → API token."""
    accounts = Accounts(store)
    known = {user.name for user in accounts.list()}
    tokens = {}
    for role in ROLES:
        if role not in known:
            accounts.add(role, role, PASSWORD)
        tokens[role] = accounts.new_token(role)
    return tokens


def login_form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the login form (its cookie is now on the client)."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, "the login page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in as ``name``; returns the session's CSRF token."""
    token = login_form_token(client)
    form = {"name": name, "password": password, "csrf": token, "next": "/desk/inbox"}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    me = client.get("/api/v1/desk/me")
    assert me.status_code == 200, me.text
    csrf: str = me.json()["csrf"]
    return csrf
