"""Publishing a draft: freeze it into a stored issue, with the real page of every article.

Pages come from the layout itself: Typst is asked where each labelled article starts
(:func:`policydigest.render.pdf.page_numbers`), the same numbers its 本期要目 prints. When that
fails the issue is still published, without pages, and the reason is logged; ``policydigest
render`` prints the right pages either way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from policydigest.compose.draft import draft_issue
from policydigest.compose.model import DraftStatus
from policydigest.compose.repository import DraftRepository
from policydigest.errors import DraftError, RenderError
from policydigest.model import Issue
from policydigest.profile import Profile
from policydigest.render.pdf import page_numbers
from policydigest.render.toc import match_toc

log = logging.getLogger(__name__)


def with_pages(issue: Issue, columns: Sequence[str]) -> Issue:
    """``issue`` with the page of each table-of-contents entry and article filled from its layout."""
    try:
        pages = page_numbers(issue, columns=columns)
    except RenderError as exc:
        log.warning("pages not filled: %s", exc)
        return issue
    targets = match_toc(issue)
    return issue.model_copy(
        update={
            "toc": [
                e.model_copy(update={"page": e.page if target is None else pages[target]})
                for e, target in zip(issue.toc, targets, strict=True)
            ],
            "articles": [
                a.model_copy(update={"toc_page": page}) for a, page in zip(issue.articles, pages, strict=True)
            ],
        }
    )


def publish(
    repo: DraftRepository, profile: Profile, total_number: int | None = None, *, fill_pages: bool = True
) -> Issue:
    """Freeze the draft 总第``total_number``期 (default: the newest open draft) into a stored issue.

    >>> from policydigest.store import open_store
    >>> publish(DraftRepository(open_store("sqlite://")), __import__("policydigest.profile",
    ...         fromlist=["x"]).load_profile())
    Traceback (most recent call last):
    policydigest.errors.NotFoundError: 存储中没有未出版的草稿（请先运行 `policydigest draft` 起草）
    """
    draft = repo.get(total_number)
    if draft.status is not DraftStatus.OPEN:
        raise DraftError(f"草稿总第{draft.total_number}期已出版（见 `policydigest issues`）")
    included = draft.included(profile.column_names)
    if not included:
        raise DraftError(f"草稿总第{draft.total_number}期没有文章；请用 `draft add` 加入")
    if not draft.cover_headline.strip():
        raise DraftError("草稿没有封面标题；请用 `draft set-cover` 设定")
    articles = repo.articles(item.article_id for item in included)
    issue = draft_issue(draft, articles, profile)
    if fill_pages:
        issue = with_pages(issue, profile.column_names)
    repo.publish(draft, issue)
    return issue
