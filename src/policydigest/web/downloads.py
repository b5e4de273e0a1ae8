"""Downloads of an issue as PDF and Word, served from the published outputs folder.

The files themselves are kept by ``policydigest.render.published``: a missing one is rendered once (in a
worker thread) and kept for every later reader.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from policydigest.model import Issue


class DownloadFormat(StrEnum):
    """What an issue can be downloaded as, by file extension."""

    PDF = "pdf"
    DOCX = "docx"


MEDIA_TYPES = {
    DownloadFormat.PDF: "application/pdf",
    DownloadFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download_name(issue: Issue, fmt: DownloadFormat) -> str:
    """The ``Content-Disposition`` header: the reader's file is named like the bulletin (RFC 6266 UTF-8 form).

    >>> import datetime as dt
    >>> name = download_name(Issue(series="数", number=1, total_number=5, date=dt.date(2025, 1, 3)), DownloadFormat.PDF)
    >>> name.split("; ")[:2]
    ['attachment', 'filename="issue-5.pdf"']
    """
    readable = f"{issue.series}第{issue.number}期总第{issue.total_number}期.{fmt.value}"
    return (
        f'attachment; filename="issue-{issue.total_number}.{fmt.value}"; '
        f"filename*=UTF-8''{quote(readable, safe='')}"
    )
