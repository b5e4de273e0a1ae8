"""Fitting the column model to an archive of issues, and judging it leave-one-issue-out.

Multinomial logistic regression over the column features, with an L2 pull towards the domain
priors: with a few dozen articles per issue the priors keep rare features sensible, and the data
moves the weights that the archive has evidence about. scipy is imported only here (fitting is rare).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from policydigest.enrich.column import ROLES, ColumnModel, Feature

Example = tuple[Sequence[Feature], str]  # features of an article and its true role
IssueKey = TypeVar("IssueKey", bound=Hashable)


def _matrix(examples: Sequence[Example], names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    index = {name: i for i, name in enumerate(names)}
    x = np.zeros((len(examples), len(names)))
    y = np.zeros((len(examples), len(ROLES)))
    for row, (fired, role) in enumerate(examples):
        for feature in fired:
            if feature.name in index:
                x[row, index[feature.name]] = feature.value
        y[row, ROLES.index(role)] = 1.0
    return x, y


def fit(
    examples: Sequence[Example], *, prior: ColumnModel | None = None, l2: float = 1.0, label: str = ""
) -> ColumnModel:
    """Weights fitted to ``examples``, regularised towards ``prior`` (the domain priors by default).

    >>> from policydigest.enrich.column import Feature
    >>> home = [Feature("region_home_title", 1.0, "")]
    >>> model = fit([(home, "home"), ([], "national")], l2=1.0)
    >>> model.weights["region_home_title"]["home"] > ColumnModel.prior().weights["region_home_title"]["home"]
    True
    """
    from scipy.optimize import minimize

    prior = prior or ColumnModel.prior()
    names = list(prior.weights)
    w0 = np.array([[prior.weights[name][role] for role in ROLES] for name in names])
    b0 = np.array([prior.bias[role] for role in ROLES])
    x, y = _matrix(examples, names)
    shape = w0.shape

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w = params[: w0.size].reshape(shape)
        b = params[w0.size :]
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        nll = -float(np.sum(y * np.log(p + 1e-12)))
        penalty = l2 * (float(np.sum((w - w0) ** 2)) + float(np.sum((b - b0) ** 2)))
        grad_w = x.T @ (p - y) + 2 * l2 * (w - w0)
        grad_b = (p - y).sum(axis=0) + 2 * l2 * (b - b0)
        return nll + penalty, np.concatenate([grad_w.ravel(), grad_b])

    start = np.concatenate([w0.ravel(), b0])
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    w = result.x[: w0.size].reshape(shape)
    b = result.x[w0.size :]
    return ColumnModel(
        weights={
            name: {role: round(float(w[i, j]), 4) for j, role in enumerate(ROLES)} for i, name in enumerate(names)
        },
        bias={role: round(float(b[j]), 4) for j, role in enumerate(ROLES)},
        trained_on=label or f"{len(examples)} articles",
    )


@dataclass(frozen=True)
class Judgement:
    """One article judged in leave-one-issue-out."""

    issue: Hashable
    title: str
    truth: str
    predicted: str
    confidence: float

    @property
    def right(self) -> bool:
        return self.truth == self.predicted


def leave_one_issue_out(
    issues: Mapping[IssueKey, Sequence[tuple[str, Sequence[Feature], str]]], *, l2: float = 1.0
) -> list[Judgement]:
    """Judge every issue with a model fitted only on the other issues.

    ``issues`` maps an issue to its articles as ``(title, features, true role)``.

    >>> home = [Feature("region_home_title", 1.0, "")]
    >>> judged = leave_one_issue_out({1: [("a", home, "home")], 2: [("b", home, "home")]})
    >>> [(j.issue, j.right) for j in judged]
    [(1, True), (2, True)]
    """
    judged = []
    columns = list(ROLES)
    for held_out, articles in issues.items():
        training = [(fired, role) for issue, rows in issues.items() if issue != held_out for _, fired, role in rows]
        model = fit(training, l2=l2, label=f"all issues but {held_out}")
        for title, fired, role in articles:
            result = model.predict(fired, columns)
            judged.append(Judgement(held_out, title, role, result.role, result.confidence))
    return judged
