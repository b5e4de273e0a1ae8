"""Files of an issue to download, served from the published outputs folder: the reader's PDF and Word
(``/issues/N/download.pdf``) and the desk's earlier versions (``/issues/N/versions/K.pdf``) alike.

A file is named by the issue and a digest of its content, so a re-imported or corrected issue never
gets a stale file; a missing one is rendered once (in a worker thread) and kept for every later reader.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse
from sqlalchemy.engine import make_url

from policydigest.model import Issue
from policydigest.render.output import render_issue
from policydigest.settings import Settings
from policydigest.web.context import WebContext

log = logging.getLogger(__name__)


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
_RENDERING = threading.Lock()  # one rendering at a time: Typst is heavy and the machine small


def outputs_folder(settings: Settings) -> Path:
    """The published outputs folder: ``outputs_path``, else beside a SQLite store, else the working folder.

    >>> outputs_folder(Settings(database_url="sqlite:///data/pd.db"))
    PosixPath('data/pd.db.outputs')
    """
    if settings.outputs_path is not None:
        return settings.outputs_path
    url = make_url(settings.database_url)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        db = Path(str(url.database))
        return db.with_name(db.name + ".outputs")
    return Path("policydigest-outputs")


def file_name(issue: Issue, fmt: str) -> str:
    """The kept file's name: 总期 and a digest of the issue's content.

    >>> import datetime as dt
    >>> file_name(Issue(series="S", number=1, total_number=57, date=dt.date(2025, 1, 3)), DownloadFormat.PDF)[:9]
    'issue-57-'
    """
    digest = hashlib.sha256(issue.model_dump_json().encode()).hexdigest()[:16]
    return f"issue-{issue.total_number}-{digest}.{fmt}"


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


def published_file(issue: Issue, fmt: str, settings: Settings, render: Callable[[], bytes]) -> Path:
    """The issue's file in the outputs folder, rendered by ``render`` and kept when it is not there yet."""
    folder = outputs_folder(settings)
    path = folder / file_name(issue, fmt)
    if path.is_file():
        return path
    with _RENDERING:
        if path.is_file():  # another request rendered it while this one waited
            return path
        data = render()
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader never gets half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
        log.info("rendered %s (%d bytes) into the published outputs", path.name, len(data))
    return path


def issue_file(ctx: WebContext, issue: Issue, fmt: str, *, version: int | None = None) -> FileResponse:
    """The answer that downloads ``issue`` as ``fmt`` (one of ``MEDIA_TYPES``), rendered once and kept.

    ``version``: an earlier version of a corrected issue, named so (its content is its own, so is its file).
    Blocking (it may render): call it from a worker thread.
    """

    def render() -> bytes:
        return render_issue(issue, fmt, profile=ctx.profile, default_columns=ctx.columns)

    path = published_file(issue, fmt, ctx.settings, render)
    headers = {"Content-Disposition": download_name(issue, fmt, version=version)}
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=headers)
