"""Files of an issue to download, served from the published outputs folder: the reader's PDF and Word
(``/issues/N/download.pdf``) and the desk's earlier versions (``/issues/N/versions/K.pdf``) alike.

The files themselves are kept by ``policydigest.render.published``: a missing one is rendered once (in a
worker thread) and kept for every later reader.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from fastapi.responses import FileResponse

from policydigest.intel.issue_charts import charts_for
from policydigest.model import Issue
from policydigest.render.output import render_issue
from policydigest.render.published import published_file
from policydigest.web.context import WebContext


class DownloadFormat(StrEnum):
    """What an issue can be downloaded as, by file extension."""

    PDF = "pdf"
    DOCX = "docx"


#: Media type of each format a file of an issue is served in (readers download PDF and Word; versions add more).
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def download_name(issue: Issue, fmt: str, *, version: int | None = None) -> str:
    """The ``Content-Disposition`` header: the reader's file is named like the bulletin (RFC 6266 UTF-8 form).

    >>> import datetime as dt
    >>> issue = Issue(series="数", number=1, total_number=5, date=dt.date(2025, 1, 3))
    >>> download_name(issue, DownloadFormat.PDF).split("; ")[:2]
    ['attachment', 'filename="issue-5.pdf"']
    >>> download_name(issue, "html", version=2).split("; ")[1]
    'filename="issue-5-v2.html"'
    """
    suffix, label = (f"-v{version}", f"（第{version}版）") if version is not None else ("", "")
    readable = f"{issue.series}第{issue.number}期总第{issue.total_number}期{label}.{fmt}"
    return (
        f'attachment; filename="issue-{issue.total_number}{suffix}.{fmt}"; '
        f"filename*=UTF-8''{quote(readable, safe='')}"
    )


def issue_file(ctx: WebContext, issue: Issue, fmt: str, *, version: int | None = None) -> FileResponse:
    """The answer that downloads ``issue`` as ``fmt`` (one of ``MEDIA_TYPES``), rendered once and kept.

    ``version``: an earlier version of a corrected issue, named so (its content is its own, so is its file).
    Blocking (it may render): call it from a worker thread.
    """

    def render() -> bytes:
        # A reader's request never builds intelligence: the chart shows what the writers have built.
        charts = charts_for(ctx.store, ctx.settings, issue, fmt, catch_up=False)
        return render_issue(issue, fmt, profile=ctx.profile, default_columns=ctx.columns, charts=charts)

    path = published_file(issue, fmt, ctx.settings, render)
    headers = {"Content-Disposition": download_name(issue, fmt, version=version)}
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=headers)
