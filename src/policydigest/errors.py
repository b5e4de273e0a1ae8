"""Every exception policydigest raises on purpose, with what it means.

Expected misses (an article without a source line, an unknown region) are not errors: the
functions return ``None`` and log why. These exceptions are for real faults and bad input.
Each message says what went wrong in one line and, where it helps, what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class PolicydigestError(Exception):
    """Base class: anything policydigest raises on purpose."""


class ConfigError(PolicydigestError):
    """A setting or the config file is invalid."""


class StoreError(PolicydigestError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(PolicydigestError):
    """A requested issue or article is not in the store."""


class BadInputError(PolicydigestError):
    """An input file cannot be imported; nothing of it was stored.

    ``reason`` is the one-line explanation shown in batch reports.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmptyInputError(BadInputError):
    """The file is empty or holds only white space."""


class BinaryInputError(BadInputError):
    """The file is binary (or in an encoding that cannot be recognised), not text or PDF."""


class NotABulletinError(BadInputError):
    """The text has no bulletin header (date, 第N期, 总第M期) or no articles."""


class TruncatedInputError(BadInputError):
    """The file ends early: a cut-off PDF, or a bulletin whose last listed articles are missing."""


class RenderError(PolicydigestError):
    """An issue could not be rendered (the layout engine failed); nothing was written."""


class FetchError(PolicydigestError):
    """A web page or feed could not be fetched (network fault, HTTP error, limit exceeded).

    ``url`` is the address asked for; the message says why and, where it helps, which setting to change.
    """

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class BlockedAddressError(FetchError):
    """The host resolves to a private, loopback, link-local, multicast or reserved address.

    Refused before any packet is sent; ``fetch_allow_private`` or ``fetch_allowed_networks`` allows it.
    """


class RobotsDisallowedError(FetchError):
    """The site's robots.txt forbids fetching this URL for our user agent."""


class ResponseTooLargeError(FetchError):
    """The response body exceeded ``fetch_max_bytes``; the download was aborted."""


class FetchTimeoutError(FetchError):
    """The server did not answer (or finish answering) within the fetch time limits."""


class HTTPStatusError(FetchError):
    """The server answered with an error status after every retry; ``status`` holds it."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url)
        self.status = status


class CatalogueError(ConfigError):
    """The source catalogue (TOML) is missing, malformed, or has an invalid source entry."""


class DraftError(PolicydigestError):
    """A draft issue cannot be made, changed or published as asked.

    For example: an article that is not in the store or not in the draft, a column the publisher
    profile does not name, a 总期 another issue already has, or a draft that was already published.
    """


class SearchIndexError(PolicydigestError):
    """The search index cannot be opened, written or read (missing, another version, locked, damaged).

    The index is derived data: ``policydigest reindex`` rebuilds it from the store.
    """


class DeskError(PolicydigestError):
    """A desk action cannot be done as asked (a bad name, a wrong state, an empty issue …)."""


class AuthError(DeskError):
    """A name, password or token is wrong, or the account is disabled (the message never says which)."""


class ThrottledError(AuthError):
    """Too many failed attempts from this address or on this account; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ForbiddenError(DeskError):
    """The user's role may not do this action."""


class ConflictError(DeskError):
    """An edit was made on a stale version; ``current`` holds the state it would have overwritten."""

    def __init__(self, message: str, *, current: object) -> None:
        super().__init__(message)
        self.current = current


class JobError(PolicydigestError):
    """A queued job failed for good (a page that kept failing, an unknown source): it is dead-lettered
    with this message, and ``policydigest jobs`` lists it."""


class JobRetryError(JobError):
    """A queued job failed for a reason that may pass (a server error, a timeout): the queue tries it
    again after a doubling wait, up to ``job_max_attempts``."""


class DeliveryError(PolicydigestError):
    """Mail cannot be sent or a subscription cannot be changed as asked (no SMTP server or signing key set,
    an unknown subscriber, an issue not in the store)."""


class InvalidAddressError(BadInputError):
    """An e-mail address that is not valid or cannot receive mail (the message says why, in Chinese)."""


class TokenError(BadInputError):
    """A signed link that was altered, is for another purpose, or has expired."""


#: Invalid-parameter explanations by pydantic error type; ``{…}`` takes values from the error's context.
PROBLEMS_ZH: dict[str, str] = {
    "missing": "缺少这个参数",
    "string_too_long": "太长：最多{max_length}个字符",
    "string_too_short": "太短：至少{min_length}个字符",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "必须大于{gt}",
    "less_than_equal": "不能大于{le}",
    "less_than": "必须小于{lt}",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为日期，如 2025-03-14",
    "date_from_datetime_parsing": "应为日期，如 2025-03-14",
    "date_from_datetime_inexact": "应为日期，如 2025-03-14",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "int_type": "应为整数",
    "dict_type": "应为表",
    "extra_forbidden": "不认识这个字段",
    "url_parsing": "应为网址",
    "url_scheme": "应为 http(s) 网址",
}


def problem_zh(error: Mapping[str, Any]) -> str:
    """One invalid parameter explained in Chinese (pydantic's own words are English).

    >>> problem_zh({"type": "less_than_equal", "ctx": {"le": 100}, "msg": "Input should be …"})
    '不能大于100'
    >>> problem_zh({"type": "value_error", "msg": "Value error, 起始日期晚于截止日期"})
    '起始日期晚于截止日期'
    """
    kind = str(error.get("type", ""))
    template = PROBLEMS_ZH.get(kind)
    if template is not None:
        context = {key: str(value).replace("'", "") for key, value in (error.get("ctx") or {}).items()}
        try:
            return template.format(**context)
        except KeyError:
            return template.split("：")[0]
    message = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error") and any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message.split(", ", 1)[-1]  # our own validators speak Chinese; pydantic prefixes "Value error, "
    return "取值无效"


def problems_zh(errors: Iterable[Mapping[str, Any]]) -> str:
    """Every invalid field of a pydantic ``ValidationError.errors()``, one Chinese line.

    >>> problems_zh([{"type": "date_parsing", "loc": ("since",)}, {"type": "missing", "loc": ()}])
    'since：应为日期，如 2025-03-14；条目：缺少这个参数'
    """
    return "；".join(f"{'.'.join(map(str, e.get('loc', ()))) or '条目'}：{problem_zh(e)}" for e in errors)


#: The operating system's words for the file faults a command meets, in Chinese.
_OS_REASONS_ZH: dict[type[OSError], str] = {
    FileNotFoundError: "文件不存在",
    IsADirectoryError: "这是文件夹，不是文件",
    NotADirectoryError: "路径中有一段不是文件夹",
    PermissionError: "没有权限",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese where the fault is a common one.

    >>> os_reason(FileNotFoundError(2, "No such file or directory"))
    '文件不存在'
    """
    for kind, reason in _OS_REASONS_ZH.items():
        if isinstance(exc, kind):
            return reason
    return exc.strerror or str(exc)
