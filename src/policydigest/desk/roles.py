"""Roles and what each may do, declared once: the web routes, the API and the CLI all ask :func:`allowed`."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A desk account's role."""

    CONTRIBUTOR = "contributor"  # suggests candidates, edits article text
    EDITOR = "editor"  # builds the issue, submits it for review
    CHIEF = "chief"  # approves or returns, publishes, corrects
    ADMIN = "admin"  # accounts, sources, settings; can do everything


ROLE_LABELS: dict[Role, str] = {
    Role.CONTRIBUTOR: "撰稿编辑",
    Role.EDITOR: "责任编辑",
    Role.CHIEF: "总编辑",
    Role.ADMIN: "管理员",
}

_ALL = frozenset(Role)
_EDITORS = frozenset({Role.EDITOR, Role.CHIEF, Role.ADMIN})
_CHIEFS = frozenset({Role.CHIEF, Role.ADMIN})

#: Every desk action and the roles that may do it.
ACTIONS: dict[str, frozenset[Role]] = {
    "desk.view": _ALL,
    "inbox.suggest": _ALL,
    "inbox.claim": _ALL,
    "inbox.decide": _EDITORS,
    "inbox.assign": _EDITORS,
    "article.publicise": _EDITORS,
    "draft.text": _ALL,
    "draft.arrange": _EDITORS,
    "review.submit": _EDITORS,
    "review.decide": _CHIEFS,
    "issue.publish": _CHIEFS,
    "issue.correct": _CHIEFS,
    "sources.check": _EDITORS,
    "audit.view": _EDITORS,
    "users.manage": frozenset({Role.ADMIN}),
    "jobs.view": frozenset({Role.ADMIN}),
    "subscribers.manage": frozenset({Role.ADMIN}),
}


def allowed(role: Role | str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (an unknown action is allowed to nobody).

    >>> allowed("chief", "review.decide"), allowed("editor", "review.decide"), allowed("admin", "nonsense")
    (True, False, False)
    """
    return Role(role) in ACTIONS.get(action, frozenset())
