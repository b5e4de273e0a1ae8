"""One entry to every renderer: an issue in a named format, as bytes ready to write."""

from __future__ import annotations

from collections.abc import Sequence

from policydigest.errors import RenderError
from policydigest.model import Issue
from policydigest.profile import Profile
from policydigest.render.figures import IssueChart

FORMATS = ("pdf", "html", "email", "md", "docx", "wechat")
#: The formats that show charts passed in.
WITH_CHARTS = ("pdf", "email")


def columns_for(issue: Issue, profile: Profile, default_columns: Sequence[str]) -> list[str]:
    """The column order: the profile's for its own series, else the configured one."""
    return profile.column_names if issue.series == profile.series.title else list(default_columns)


def render_issue(
    issue: Issue,
    fmt: str,
    *,
    profile: Profile,
    default_columns: Sequence[str],
    charts: Sequence[IssueChart] = (),
) -> bytes:
    """``issue`` rendered as ``fmt`` (pdf, html, email, md, docx, wechat); the logo only in the profile's series;
    ``charts`` go into the PDF and the e-mail (the formats in :data:`WITH_CHARTS`).

    >>> import datetime as dt
    >>> from policydigest.profile import load_profile
    >>> issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3))
    >>> render_issue(issue, "md", profile=load_profile(), default_columns=[]).startswith(b"# ")
    True
    """
    columns = columns_for(issue, profile, default_columns)
    own = issue.series == profile.series.title
    if fmt == "pdf":
        from policydigest.render.pdf import render_pdf

        return render_pdf(issue, columns=columns, charts=charts)
    if fmt == "html":
        from policydigest.render.html import render_html

        logo = profile.logo_path if own else None
        return render_html(issue, columns=columns, logo=logo, logo_alt=profile.series.logo_alt).encode()
    if fmt == "email":
        from policydigest.render.email import render_email

        return render_email(issue, columns=columns, charts=charts).encode()
    if fmt == "wechat":
        from policydigest.render.wechat import render_wechat

        logo = profile.logo_path if own else None
        return render_wechat(issue, columns=columns, logo=logo, logo_alt=profile.series.logo_alt).encode()
    if fmt == "md":
        from policydigest.render.markdown import render_markdown

        return render_markdown(issue, columns=columns).encode()
    if fmt == "docx":
        from policydigest.render.docx import render_docx

        return render_docx(issue, columns=columns)
    raise RenderError(f"未知的格式 {fmt!r}；可用：{', '.join(FORMATS)}")
