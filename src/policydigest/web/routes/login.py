"""Signing in and out of the desk: ``/login`` (用户名, 密码, 登录) and ``/logout`` (退出登录).

The login form carries its own CSRF token (a random cookie it must match), since no session exists
yet. A successful login always starts a new session, whatever cookie came with it (no fixation).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from policydigest.desk.roles import ROLE_LABELS
from policydigest.errors import AuthError, ThrottledError
from policydigest.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    DeskAuth,
    Principal,
    client_address,
    get_auth,
    is_https,
    require,
    safe_next,
)
from policydigest.web.context import WebContext, get_context

log = logging.getLogger(__name__)

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Auth = Annotated[DeskAuth, Depends(get_auth)]


def desk_values(who: Principal | None, values: dict[str, Any]) -> dict[str, Any]:
    """Template values every desk page needs: who is signed in and the role labels."""
    return {"who": who, "role_labels": ROLE_LABELS, **values}


def _login_page(
    ctx: Ctx, request: Request, *, next_path: str, name: str = "", problem: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    values = desk_values(None, {"csrf": token, "next": next_path, "name": name, "problem": problem})
    response = ctx.page("desk_login.html.j2", values, status=status)
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=is_https(request), path="/login"
    )
    response.headers["cache-control"] = "no-store"
    return response


@pages.get("/login", response_class=HTMLResponse)
def login_form(
    ctx: Ctx, request: Request, next_path: Annotated[str, Param(alias="next", max_length=500)] = "/desk/inbox"
) -> Response:
    """The login page."""
    return _login_page(ctx, request, next_path=safe_next(next_path))


@pages.post("/login", response_class=HTMLResponse)
def login(
    ctx: Ctx,
    auth: Auth,
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/desk/inbox",
) -> Response:
    """Check the name and password (throttled per account and per address) and start a new session."""
    target = safe_next(next_path)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        expired = "登录表单已过期，请重新输入。"
        return _login_page(ctx, request, next_path=target, name=name, problem=expired, status=403)
    keys = ("user:" + name.strip(), "addr:" + client_address(request))
    try:
        auth.throttle.check(*keys)
        user = auth.accounts.authenticate(name.strip(), password)
    except ThrottledError as exc:
        response = _login_page(ctx, request, next_path=target, name=name, problem=str(exc), status=429)
        response.headers["retry-after"] = str(exc.retry_after)
        return response
    except AuthError as exc:
        for key in keys:
            auth.throttle.fail(key)
        log.info("failed desk login for %r from %s", name[:64], keys[1])
        return _login_page(ctx, request, next_path=target, name=name, problem=str(exc), status=401)
    auth.throttle.succeed(keys[0])
    old = auth.session_id(request.cookies.get(SESSION_COOKIE))
    if old is not None:
        auth.accounts.close_session(old)
    session_id = auth.accounts.open_session(user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, auth.cookie(session_id), httponly=True, samesite="lax", secure=is_https(request), path="/"
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    log.info("desk login: %s", user.name)
    return response


@pages.post("/logout")
def logout(auth: Auth, request: Request, who: Annotated[Principal, Depends(require("desk.view"))]) -> Response:
    """End the session and forget its cookie."""
    if who.session_id is not None:
        auth.accounts.close_session(who.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))
    return response
