"""Every route of the app, enumerated: each state-changing one (and every desk page) refuses anonymous
requests, the roles that may not, and session requests without the right CSRF token. A new route that
forgets ``require(…)`` fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from policydigest.desk.roles import Role, allowed
from policydigest.settings import Settings
from policydigest.store import open_store
from policydigest.web import create_app
from policydigest.web.auth import Requirement
from tests.desk_support import login, make_users

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: Routes anyone may post to, on purpose: the login form has its own CSRF token (tested in test_web_desk);
#: readers have no account, so their subscription routes are guarded by a signed token in the request
#: (one-click unsubscribe, RFC 8058, must work without a session), and bounce reports by a shared secret.
OPEN_WRITES = {("POST", "/login"), ("POST", "/subscribe")}
#: Those guarded by a token instead of an account, and the form each needs; a forged token must change nothing.
TOKEN_WRITES = {
    ("POST", "/unsubscribe"): {},
    ("POST", "/subscription"): {"frequency": "daily"},
    ("POST", "/subscription/delete"): {},
    ("POST", "/bounces"): {},
}


def requirement(route: APIRoute) -> Requirement | None:
    """The ``require(action)`` dependency of a route, if any."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, Requirement):
            return dependency.call
        pending.extend(dependency.dependencies)
    return None


def every_route(routes: list[Any]) -> Iterator[Any]:
    """The app's routes, those of included routers too."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from every_route(inner.routes) if inner is not None else [route]


def guarded_routes() -> list[tuple[str, str, APIRoute]]:
    app = create_app(Settings(database_url="sqlite://"))
    found = []
    for route in every_route(app.routes):
        if not isinstance(route, APIRoute):
            continue
        desk = route.path.startswith(("/desk", "/api/v1/desk"))
        for method in sorted(route.methods):
            if (method in WRITES or desk) and (method, route.path) not in OPEN_WRITES | set(TOKEN_WRITES):
                found.append((method, route.path, route))
    return found


ROUTES = guarded_routes()


def test_the_enumeration_finds_the_desk_and_the_sources_routes() -> None:
    paths = {path for _, path, _ in ROUTES}
    assert {"/desk/inbox", "/desk/draft/publish", "/api/v1/desk/draft/publish", "/sources/check", "/logout"} <= paths
    assert len(ROUTES) > 30


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_guarded_route_declares_the_action_it_needs(method: str, path: str, route: APIRoute) -> None:
    need = requirement(route)
    assert need is not None, f"{method} {path} changes state but has no require(action)"
    assert any(allowed(role, need.action) for role in Role), f"{need.action} is allowed to nobody"


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[TestClient, str]]]:
    """An anonymous client and one signed-in client (with its CSRF token) per role, over one app."""
    root: Path = tmp_path_factory.mktemp("auth")
    settings = Settings(
        database_url=f"sqlite:///{root / 'a.db'}", index_path=root / "index", delivery_secret="s" * 32
    )  # type: ignore[arg-type]
    make_users(open_store(settings.database_url))
    app = create_app(settings)
    made: dict[str, tuple[TestClient, str]] = {}
    with TestClient(app) as anonymous:
        made["anonymous"] = (anonymous, "")
        for role in Role:
            client = TestClient(app)
            made[role.value] = (client, login(client, role.value))
        yield made


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def send(client: TestClient, method: str, path: str, csrf: str | None) -> int:
    url = concrete(path)
    api = path.startswith("/api/")
    headers = {"X-CSRF-Token": csrf} if api and csrf is not None else {}
    data = {"csrf": csrf} if not api and csrf is not None else None
    answer = client.request(
        method, url, headers=headers, data=data, json={"version": 0} if api and method in WRITES else None,
        follow_redirects=False,
    )
    if not api and answer.status_code == 303:
        assert answer.headers["location"].startswith("/login") or method in WRITES
    return answer.status_code


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_guarded_route_refuses_anonymous_wrong_roles_and_bad_csrf(
    clients: dict[str, tuple[TestClient, str]], method: str, path: str, route: APIRoute
) -> None:
    anonymous, _ = clients["anonymous"]
    answer = anonymous.request(method, concrete(path), follow_redirects=False)
    if path.startswith("/api/"):
        assert answer.status_code == 401, answer.text
    else:
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    need = requirement(route)
    assert need is not None
    for role in Role:
        client, csrf = clients[role.value]
        if not allowed(role, need.action):
            assert send(client, method, path, csrf) == 403, f"{role.value} may not {need.action}"
        elif method in WRITES:
            assert send(client, method, path, None) == 403, "no CSRF token"
            assert send(client, method, path, "0" * 64) == 403, "a wrong CSRF token"
            if path != "/logout":  # that one would end the session the other cases use
                assert send(client, method, path, csrf) not in (401, 403), "the right role with the right token"


@pytest.mark.parametrize(("method", "path"), sorted(TOKEN_WRITES), ids=[f"{m} {p}" for m, p in sorted(TOKEN_WRITES)])
def test_every_token_guarded_route_refuses_a_forged_or_missing_token(
    clients: dict[str, tuple[TestClient, str]], method: str, path: str
) -> None:
    anonymous, _csrf = clients["anonymous"]
    answer = anonymous.request(method, path, params={"token": "forged.token"}, data=TOKEN_WRITES[(method, path)])
    assert 400 <= answer.status_code < 500, (path, answer.status_code)
