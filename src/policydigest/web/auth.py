"""Who is asking, and may they: desk sessions (signed cookies), API tokens, CSRF, roles, throttling.

Every state-changing route depends on :func:`require` with an action from ``desk.roles.ACTIONS``:
an anonymous page request is sent to ``/login`` (the API answers 401), a role that may not do the
action gets 403, and a request on a session cookie must carry the session's CSRF token (form field
``csrf`` or header ``X-CSRF-Token``). Requests with ``Authorization: Bearer TOKEN`` need no CSRF
token: no browser sends that header by itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer

from policydigest.desk.accounts import Accounts, Throttle, User
from policydigest.desk.roles import allowed
from policydigest.errors import AuthError, ConflictError, DeskError, ForbiddenError, ThrottledError
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.web.problems import error_response, wants_json

log = logging.getLogger(__name__)

SESSION_COOKIE = "pd_session"
LOGIN_COOKIE = "pd_login"  # the CSRF token of the login form, before any session exists
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequiredError(Exception):
    """No valid session or token: pages go to the login page, the API answers 401."""


@dataclass
class Principal:
    """The signed-in user of a request, and how they signed in."""

    user: User
    session_id: str | None  # None: an API token
    csrf: str  # the token forms must send back ("" for API tokens)


@dataclass
class DeskAuth:
    """The app's accounts, cookie signer and login throttle."""

    accounts: Accounts
    signer: URLSafeSerializer
    key: bytes
    idle: dt.timedelta
    throttle: Throttle

    @classmethod
    def build(cls, settings: Settings, store: Store) -> DeskAuth:
        """From the settings: a random signing key when ``web_secret_key`` is unset."""
        secret = settings.web_secret_key.get_secret_value() if settings.web_secret_key else secrets.token_hex(32)
        if settings.web_secret_key is None:
            log.warning("web_secret_key is not set: desk sessions end when this process stops")
        key = hashlib.sha256(secret.encode("utf-8")).digest()
        return cls(
            accounts=Accounts(store),
            signer=URLSafeSerializer(secret, salt="policydigest.session"),
            key=key,
            idle=dt.timedelta(minutes=settings.web_session_idle_minutes),
            throttle=Throttle(settings.web_login_max_failures, settings.web_login_window_seconds),
        )

    def csrf_for(self, session_id: str) -> str:
        """The CSRF token of a session: derived from it, so nothing more is stored."""
        return hmac.new(self.key, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()

    def cookie(self, session_id: str) -> str:
        """The signed cookie value of a session id."""
        return self.signer.dumps(session_id)

    def session_id(self, cookie: str | None) -> str | None:
        """The session id of a cookie whose signature holds, else None."""
        if not cookie:
            return None
        try:
            value = self.signer.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def get_auth(request: Request) -> DeskAuth:
    """The app's ``DeskAuth`` (a FastAPI dependency)."""
    auth: DeskAuth = request.app.state.desk_auth
    return auth


def client_address(request: Request) -> str:
    """The peer address a throttle counts failures against."""
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    """Whether the app is served over https (then cookies are ``Secure``)."""
    base = request.app.state.context.settings.web_base_url
    return (base or str(request.url)).startswith("https://")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def principal(request: Request, auth: Annotated[DeskAuth, Depends(get_auth)]) -> Principal | None:
    """The signed-in user (token or session), or None; a wrong token counts against the address."""
    token = _bearer(request)
    if token is not None:
        address = "addr:" + client_address(request)
        auth.throttle.check(address)
        user = auth.accounts.token_user(token)
        if user is None:
            auth.throttle.fail(address)
            raise AuthError("API 令牌无效")
        return Principal(user=user, session_id=None, csrf="")
    session_id = auth.session_id(request.cookies.get(SESSION_COOKIE))
    if session_id is None:
        return None
    user = auth.accounts.session_user(session_id, auth.idle)
    return Principal(user=user, session_id=session_id, csrf=auth.csrf_for(session_id)) if user else None


Viewer = Annotated[Principal | None, Depends(principal)]


class Requirement:
    """A dependency that lets through only users whose role may do ``action`` (with CSRF on writes)."""

    def __init__(self, action: str) -> None:
        self.action = action

    async def __call__(self, request: Request, who: Viewer) -> Principal:
        if who is None:
            raise LoginRequiredError
        if request.method not in SAFE_METHODS and who.session_id is not None:
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and "form" in request.headers.get("content-type", ""):
                value = (await request.form()).get("csrf")
                sent = value if isinstance(value, str) else None
            if not sent or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
                raise ForbiddenError("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        if not allowed(who.user.role, self.action):
            raise ForbiddenError(f"角色“{who.user.role.value}”无权执行此操作（{self.action}）")
        return who


def require(action: str) -> Requirement:
    """The dependency for a route that does ``action``.

    >>> require("review.decide").action
    'review.decide'
    """
    return Requirement(action)


def safe_next(target: str | None) -> str:
    """A local path to go to after login (anything else: the inbox).

    >>> safe_next("/desk/draft"), safe_next("//evil.example/"), safe_next("https://evil.example/")
    ('/desk/draft', '/desk/inbox', '/desk/inbox')
    """
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/desk/inbox"


async def _login_required(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return error_response(request, 401, "需要登录或有效的 API 令牌", headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import urlencode

    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def _desk_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DeskError)
    if isinstance(exc, ThrottledError):
        return error_response(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, AuthError):
        return error_response(request, 401, str(exc), headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, ForbiddenError):
        return error_response(request, 403, str(exc))
    if isinstance(exc, ConflictError):
        return error_response(request, 409, str(exc), details=exc.current)
    return error_response(request, 400, str(exc))


def install_auth(app: FastAPI, settings: Settings, store: Store) -> None:
    """Give ``app`` its accounts and the handlers that turn desk refusals into responses."""
    app.state.desk_auth = DeskAuth.build(settings, store)
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(DeskError, _desk_error)
