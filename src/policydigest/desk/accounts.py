"""Desk accounts: argon2 password hashes, server-side sessions, per-user API tokens, login throttling.

Nothing secret is stored in the clear: passwords as argon2 hashes, session ids and API tokens as
SHA-256 digests (they are long random strings, so a fast digest is enough).

>>> from policydigest.store import open_store
>>> accounts = Accounts(open_store("sqlite://"))
>>> accounts.add("王编辑", Role.EDITOR, "长一点的口令-0123").role
<Role.EDITOR: 'editor'>
>>> accounts.authenticate("王编辑", "长一点的口令-0123").name
'王编辑'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update

from policydigest.desk.audit import CLI_USER, record
from policydigest.desk.roles import Role
from policydigest.errors import AuthError, DeskError, ThrottledError
from policydigest.store import Store
from policydigest.store.db import writer
from policydigest.store.desk_schema import ApiTokenRow, SessionRow, UserRow

NAME_PATTERN = re.compile(r"^[\w.\-\u4e00-\u9fff]{2,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
TOKEN_PREFIX = "pd_"
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("policydigest-no-such-user")


@dataclass(frozen=True)
class User:
    """A desk account as the rest of the code sees it (no hash)."""

    id: int
    name: str
    role: Role
    active: bool = True


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a session id or API token is stored.

    >>> len(digest("x"))
    64
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=Role(row.role), active=row.active)


def check_password(password: str) -> str:
    """``password`` if it is acceptable, else a ``DeskError`` saying why.

    >>> check_password("short")
    Traceback (most recent call last):
    policydigest.errors.DeskError: 密码至少需要10个字符
    """
    if len(password) < MIN_PASSWORD:
        raise DeskError(f"密码至少需要{MIN_PASSWORD}个字符")
    if len(password) > MAX_PASSWORD:
        raise DeskError(f"密码不能超过{MAX_PASSWORD}个字符")
    return password


class Accounts:
    """Accounts, sessions and API tokens in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- accounts ------------------------------------------------------------------------------

    def add(self, name: str, role: Role | str, password: str, *, by: str = CLI_USER) -> User:
        """A new account; a taken or malformed name, an unknown role or a short password is refused."""
        if not NAME_PATTERN.match(name):
            raise DeskError(f"用户名 {name!r} 不合规：2–64个汉字、字母、数字或 . _ -")
        try:
            role = Role(role)
        except ValueError:
            raise DeskError(f"没有角色 {role!r}：可选 {'、'.join(r.value for r in Role)}") from None
        hashed = _hasher.hash(check_password(password))
        with self.store.session() as session, session.begin():
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise DeskError(f"用户名 {name} 已存在")
            row = UserRow(name=name, role=role.value, password_hash=hashed, active=True)
            session.add(row)
            session.flush()
            record(session, by, "user.add", "user", row.id, None, {"name": name, "role": role.value})
            return _user(row)

    def list(self) -> list[User]:
        """Every account, by name."""
        with self.store.session() as session:
            return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def get(self, name: str) -> User:
        """The account called ``name``."""
        with self.store.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise DeskError(f"没有用户 {name}")
            return _user(row)

    def by_id(self, user_id: int) -> User | None:
        """The account with this id, or None."""
        with self.store.session() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row is not None else None

    def authenticate(self, name: str, password: str) -> User:
        """The account whose name and password these are; anything wrong is one ``AuthError``."""
        with self.store.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            stored = row.password_hash if row is not None and row.active else _DUMMY_HASH
            try:
                _hasher.verify(stored, password[:MAX_PASSWORD])
            except (VerificationError, InvalidHashError):
                raise AuthError("用户名或密码错误") from None
            if row is None or not row.active:
                raise AuthError("用户名或密码错误")
            return _user(row)

    # ---- API tokens ------------------------------------------------------------------------------

    def new_token(self, name: str, *, by: str = CLI_USER) -> str:
        """A new API token for the account ``name`` (shown once; only its digest is kept)."""
        user = self.get(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.store.session() as session, session.begin():
            session.add(ApiTokenRow(user_id=user.id, token_hash=digest(token)))
            record(session, by, "user.token", "user", user.id, None, {"token": token[:6] + "…"})
        return token

    def token_user(self, token: str) -> User | None:
        """The active account of an API token, or None."""
        query = (
            select(ApiTokenRow.id, ApiTokenRow.last_used, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_hash == digest(token), UserRow.active.is_(True))
        )
        with self.store.session() as session:  # one read on every API request: no transaction of its own
            row = session.execute(query).first()
            if row is None:
                return None
            token_id, last_used, found = row.id, row.last_used, _user(row.UserRow)
        now = dt.datetime.now(dt.UTC)
        stale = last_used is None or last_used < now - dt.timedelta(minutes=1)  # not a write per request
        if stale:
            # A write transaction of its own (SQLite: BEGIN IMMEDIATE, which waits its turn): a read upgraded to a
            # write fails at once ("database is locked") when concurrent requests use the same token.
            with writer(self.store.engine).begin() as connection:
                connection.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used=now))
        return found

    # ---- sessions ------------------------------------------------------------------------------

    def open_session(self, user: User) -> str:
        """A new session id for ``user`` (a fresh one at every login: no session fixation)."""
        session_id = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        with self.store.session() as session, session.begin():
            session.add(SessionRow(id_hash=digest(session_id), user_id=user.id, created_at=now, last_seen=now))
        return session_id

    def session_user(self, session_id: str, idle: dt.timedelta) -> User | None:
        """The account of a live session, or None when it is unknown, ended or idle past ``idle``."""
        now = dt.datetime.now(dt.UTC)
        key = digest(session_id)
        with self.store.session() as session, session.begin():
            row = session.get(SessionRow, key)
            if row is None:
                return None
            user = session.get(UserRow, row.user_id)
            if row.last_seen < now - idle or user is None or not user.active:
                session.delete(row)
                return None
            if row.last_seen < now - dt.timedelta(seconds=30):  # touch at most twice a minute
                row.last_seen = now
            return _user(user)

    def close_session(self, session_id: str) -> None:
        """End a session (logout); unknown ids are ignored."""
        with self.store.session() as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.id_hash == digest(session_id)))


class Throttle:
    """Failed attempts per key (an account name, an address) in a sliding window, in this process.

    >>> t = Throttle(limit=2, window=60)
    >>> t.fail("a"); t.fail("a"); t.blocked_for("a") > 0
    True
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures.setdefault(key, deque())
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def blocked_for(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent(key, now)
            return int(recent[0] + self.window - now) + 1 if len(recent) >= self.limit else 0

    def fail(self, key: str) -> None:
        """Count one failed attempt of ``key``."""
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def succeed(self, key: str) -> None:
        """Forget ``key``'s failures."""
        with self._lock:
            self._failures.pop(key, None)

    def check(self, *keys: str) -> None:
        """Raise ``ThrottledError`` when any of ``keys`` is blocked."""
        wait = max((self.blocked_for(key) for key in keys), default=0)
        if wait:
            raise ThrottledError(f"尝试次数过多，请{wait}秒后再试", retry_after=wait)


def demo_accounts(store: Store) -> list[tuple[str, Role, str]]:
    """One account per role with a fresh random password, for the demo: (name, role, password).

    >>> from policydigest.store import open_store
    >>> [(name, role.value) for name, role, _ in demo_accounts(open_store("sqlite://"))][:2]
    [('demo-contributor', 'contributor'), ('demo-editor', 'editor')]
    """
    accounts = Accounts(store)
    made = []
    for role in Role:
        password = secrets.token_urlsafe(12)
        made.append((accounts.add(f"demo-{role.value}", role, password, by="demo").name, role, password))
    return made
