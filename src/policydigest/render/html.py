"""An issue as a standalone HTML page in the bulletin's form (cover, masthead, 本期要目, articles).

The page needs nothing else: styles are in the page, the logo is a data: URI and each QR code is an
inline SVG. Jinja2 autoescaping is on, so crawled text can never become markup; only the QR SVGs,
drawn by segno, are inserted as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2

from policydigest.model import Issue
from policydigest.render.view import QR_CAPTION, issue_view, page_label


@cache
def environment() -> jinja2.Environment:
    """The template environment: packaged templates, autoescaping on, undefined values an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("policydigest.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def render_html(issue: Issue, *, columns: Sequence[str], logo: Path | None = None, logo_alt: str | None = None) -> str:
    """``issue`` as a standalone HTML page.

    >>> import datetime as dt
    >>> from policydigest.model import Article
    >>> page = render_html(Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3),
    ...                          articles=[Article(title="<b>标题</b>", column="国策要论")]), columns=["国策要论"])
    >>> "&lt;b&gt;标题&lt;/b&gt;" in page and "<b>标题" not in page
    True
    """
    view = issue_view(issue, columns, logo=logo, logo_alt=logo_alt)
    template = environment().get_template("issue.html.j2")
    return template.render(view=view, issue=issue, page_label=page_label, qr_caption=QR_CAPTION)
