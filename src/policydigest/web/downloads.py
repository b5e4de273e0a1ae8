"""Downloads of an issue as PDF and Word, served from the published outputs folder.

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

from sqlalchemy.engine import make_url

from policydigest.model import Issue
from policydigest.settings import Settings

log = logging.getLogger(__name__)


class DownloadFormat(StrEnum):
    """What an issue can be downloaded as, by file extension."""

    PDF = "pdf"
    DOCX = "docx"


MEDIA_TYPES = {
    DownloadFormat.PDF: "application/pdf",
    DownloadFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
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


def file_name(issue: Issue, fmt: DownloadFormat) -> str:
    """The kept file's name: 总期 and a digest of the issue's content.

    >>> import datetime as dt
    >>> file_name(Issue(series="S", number=1, total_number=57, date=dt.date(2025, 1, 3)), DownloadFormat.PDF)[:9]
    'issue-57-'
    """
    digest = hashlib.sha256(issue.model_dump_json().encode()).hexdigest()[:16]
    return f"issue-{issue.total_number}-{digest}.{fmt.value}"


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


def published_file(issue: Issue, fmt: DownloadFormat, settings: Settings, render: Callable[[], bytes]) -> Path:
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
