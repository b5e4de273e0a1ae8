"""The documented export shape of issues (``policydigest export``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from policydigest.model import Issue


def issue_record(issue: Issue) -> dict[str, Any]:
    """One issue in the export shape documented in the README.

    >>> import datetime as dt
    >>> issue_record(Issue(series="示例", number=1, total_number=9, date=dt.date(2025, 1, 3)))["date"]
    '2025-01-03'
    """
    return {
        "series": issue.series,
        "number": issue.number,
        "total_number": issue.total_number,
        "date": issue.date.isoformat(),
        "cover_headline": issue.cover_headline,
        "masthead": issue.masthead.model_dump(mode="json"),
        "disclaimer": issue.disclaimer,
        "toc": [{"column": e.column, "title": e.title, "page": e.page} for e in issue.toc],
        "articles": [
            {
                "id": article.id,
                "column": article.column,
                "title": article.title,
                "source": article.source,
                "url": article.url,
                "body": article.body,
                "toc_page": article.toc_page,
                "blocks": [block.model_dump(mode="json") for block in article.blocks],
            }
            for article in issue.articles
        ],
        "back_matter": [part.model_dump(mode="json") for part in issue.back_matter],
        "warnings": list(issue.warnings),
    }


def export_json(issues: Iterable[Issue]) -> str:
    """``{"issues": [...]}`` as pretty JSON."""
    return json.dumps({"issues": [issue_record(i) for i in issues]}, ensure_ascii=False, indent=2)


def export_jsonl(issues: Iterable[Issue]) -> str:
    """One issue record per line."""
    return "".join(json.dumps(issue_record(i), ensure_ascii=False) + "\n" for i in issues)
