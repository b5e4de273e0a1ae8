"""An issue as an HTML e-mail: tables for layout, every style inline, no script, no images needed.

Mail clients drop ``<style>`` blocks and external style sheets and block images by default, so the
template's one style block is inlined into ``style`` attributes with css-inline and then removed;
links stand in for the QR codes. Jinja2 autoescaping keeps crawled text from becoming markup.

Charts passed in come as PNG inside the HTML (a ``data:`` URI): clients show SVG unreliably, and the
message stays one HTML part that the delivery queue stores as is (a CID image would need a
multipart/related message). Each chart's table follows it, so a client that hides the image loses
no number.
"""

from __future__ import annotations

from collections.abc import Sequence

import css_inline

from policydigest.errors import RenderError
from policydigest.model import Issue
from policydigest.render.figures import IssueChart
from policydigest.render.html import environment
from policydigest.render.view import issue_view, page_label


def render_email(issue: Issue, *, columns: Sequence[str], charts: Sequence[IssueChart] = ()) -> str:
    """``issue`` as e-mail HTML with inline styles only (``charts`` after the articles, each with its table).

    >>> import datetime as dt
    >>> mail = render_email(Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3)), columns=[])
    >>> "<style" in mail, 'style="' in mail
    (False, True)
    """
    view = issue_view(issue, columns)
    html = environment().get_template("email.html.j2").render(
        view=view, issue=issue, page_label=page_label, charts=charts
    )
    try:
        # Nothing is fetched: the template links no style sheet, and remote loading is off regardless.
        return css_inline.inline(html, keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    except ValueError as exc:
        raise RenderError(f"could not inline the e-mail styles of issue 总第{issue.total_number}期: {exc}") from exc
