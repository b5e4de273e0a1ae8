"""Signed links: confirm a subscription, unsubscribe, see or delete one's data (itsdangerous).

Each purpose has its own salt, so a link made for one purpose is refused for another; confirmation
links expire after ``confirm_hours``, data links after ``manage_days``; unsubscribe links never do,
because a reader must be able to leave from any message ever sent.
"""

from __future__ import annotations

from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from policydigest.errors import DeliveryError, TokenError
from policydigest.settings import Settings


class Purpose(StrEnum):
    """What a signed link allows."""

    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"
    MANAGE = "manage"


def _serializer(settings: Settings, purpose: Purpose) -> URLSafeTimedSerializer:
    if settings.delivery_secret is None:
        raise DeliveryError("未设置 delivery_secret：要签名链接，请设置 POLICYDIGEST_DELIVERY_SECRET")
    return URLSafeTimedSerializer(settings.delivery_secret.get_secret_value(), salt=f"policydigest-{purpose}")


def make_token(settings: Settings, purpose: Purpose, email: str) -> str:
    """A signed token naming ``email`` for ``purpose``.

    >>> from pydantic import SecretStr
    >>> s = Settings(delivery_secret=SecretStr("k"))
    >>> read_token(s, Purpose.MANAGE, make_token(s, Purpose.MANAGE, "a@example.org"))
    'a@example.org'
    """
    return _serializer(settings, purpose).dumps(email)


def read_token(settings: Settings, purpose: Purpose, token: str) -> str:
    """The address a valid token names; ``TokenError`` when it was altered, is for another purpose or expired.

    >>> from pydantic import SecretStr
    >>> s = Settings(delivery_secret=SecretStr("k"))
    >>> read_token(s, Purpose.CONFIRM, make_token(s, Purpose.MANAGE, "a@example.org"))
    Traceback (most recent call last):
    policydigest.errors.TokenError: 链接无效，请重新订阅或从最近的邮件打开链接
    """
    max_age = {
        Purpose.CONFIRM: settings.confirm_hours * 3600,
        Purpose.MANAGE: settings.manage_days * 86400,
        Purpose.UNSUBSCRIBE: None,
    }[purpose]
    try:
        email = _serializer(settings, purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("链接已过期，请重新订阅或从最近的邮件打开链接") from exc
    except BadSignature as exc:
        raise TokenError("链接无效，请重新订阅或从最近的邮件打开链接") from exc
    if not isinstance(email, str):
        raise TokenError("链接无效，请重新订阅或从最近的邮件打开链接")
    return email


def link(settings: Settings, path: str, purpose: Purpose, email: str) -> str:
    """The absolute URL under ``public_url`` of ``path`` carrying a token for ``email``.

    >>> from pydantic import SecretStr
    >>> link(Settings(delivery_secret=SecretStr("k"), public_url="https://d.example/"), "/unsubscribe",
    ...      Purpose.UNSUBSCRIBE, "a@example.org").startswith("https://d.example/unsubscribe?token=")
    True
    """
    return f"{settings.public_url.rstrip('/')}{path}?token={make_token(settings, purpose, email)}"
