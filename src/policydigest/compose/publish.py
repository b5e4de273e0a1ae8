"""Publishing a draft: freeze it into a stored issue, with the real page of every article.

Pages come from the PDF itself: the issue is laid out with the PDF renderer and its printed
本期要目 (whose numbers Typst computes from where each article starts) is read back with the
bulletin importer. When that fails the issue is still published, without pages, and the reason is
logged; ``policydigest render`` prints the right pages either way.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from policydigest.compose.draft import draft_issue
from policydigest.compose.model import DraftStatus
from policydigest.compose.repository import DraftRepository
from policydigest.errors import BadInputError, DraftError, RenderError
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import Issue
from policydigest.profile import Profile
from policydigest.render.pdf import render_pdf
from policydigest.render.toc import normalise_title

log = logging.getLogger(__name__)


def printed_pages(issue: Issue, columns: Sequence[str]) -> dict[str, int] | None:
    """Normalised title → page, as the rendered PDF's 本期要目 prints them; None when unreadable (logged)."""
    try:
        pdf = render_pdf(issue, columns=columns)
    except RenderError as exc:
        log.warning("pages not filled: the PDF could not be rendered (%s)", exc)
        return None
    with tempfile.TemporaryDirectory(prefix="policydigest-") as folder:
        path = Path(folder) / "issue.pdf"
        path.write_bytes(pdf)
        try:
            printed = read_bulletin(path, columns=columns)
        except BadInputError as exc:
            log.warning("pages not filled: the rendered PDF could not be read back (%s)", exc.reason)
            return None
    return {normalise_title(entry.title): entry.page for entry in printed.toc if entry.page is not None}


def with_pages(issue: Issue, columns: Sequence[str]) -> Issue:
    """``issue`` with the page of each table-of-contents entry and article filled from its PDF."""
    pages = printed_pages(issue, columns)
    if pages is None:
        return issue
    missing = [a.title for a in issue.articles if normalise_title(a.title) not in pages]
    if missing:
        log.warning("no printed page found for %d article(s): %s", len(missing), "；".join(missing))
    return issue.model_copy(
        update={
            "toc": [e.model_copy(update={"page": pages.get(normalise_title(e.title))}) for e in issue.toc],
            "articles": [
                a.model_copy(update={"toc_page": pages.get(normalise_title(a.title))}) for a in issue.articles
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
    policydigest.errors.NotFoundError: no open draft in the store (make one with `policydigest draft`)
    """
    draft = repo.get(total_number)
    if draft.status is not DraftStatus.OPEN:
        raise DraftError(f"draft 总第{draft.total_number}期 is already published (see `policydigest issues`)")
    included = draft.included(profile.column_names)
    if not included:
        raise DraftError(f"draft 总第{draft.total_number}期 has no articles; add some with `draft add`")
    if not draft.cover_headline.strip():
        raise DraftError("the draft has no cover headline; set one with `draft set-cover`")
    articles = repo.articles(item.article_id for item in included)
    issue = draft_issue(draft, articles, profile)
    if fill_pages:
        issue = with_pages(issue, profile.column_names)
    repo.publish(draft, issue)
    return issue
