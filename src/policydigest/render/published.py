"""The published outputs folder: each issue's PDF and Word files, rendered once and kept for every reader.

A file is named by the issue and a digest of what its layout shows, so a re-imported or corrected issue
never gets a stale file. The web app renders a missing file on its first download; on PostgreSQL a
``render_issue`` job renders them as soon as the issue is published (``policydigest.jobs``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from policydigest.model import Issue
from policydigest.settings import Settings

log = logging.getLogger(__name__)

#: The formats kept in the outputs folder (the downloads of every issue page).
PUBLISHED_FORMATS = ("pdf", "docx")
_RENDERING = threading.Lock()  # one rendering at a time: Typst is heavy and the machine small
#: What the layout never shows: left out of the digest, so the web's light read of an issue names the same file.
_NOT_LAID_OUT = {"articles": {"__all__": {"enrichment", "provenance"}}}


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
    """The kept file's name: 总期 and a digest of the issue's laid-out content.

    >>> import datetime as dt
    >>> file_name(Issue(series="S", number=1, total_number=57, date=dt.date(2025, 1, 3)), "pdf")[:9]
    'issue-57-'
    """
    shown = issue.model_dump_json(exclude=_NOT_LAID_OUT)
    digest = hashlib.sha256(shown.encode()).hexdigest()[:16]
    return f"issue-{issue.total_number}-{digest}.{fmt}"


def published_file(issue: Issue, fmt: str, settings: Settings, render: Callable[[], bytes]) -> Path:
    """The issue's file in the outputs folder, rendered by ``render`` and kept when it is not there yet.

    >>> import datetime as dt, tempfile
    >>> issue = Issue(series="S", number=1, total_number=5, date=dt.date(2025, 1, 3))
    >>> settings = Settings(outputs_path=Path(tempfile.mkdtemp()))
    >>> published_file(issue, "md", settings, lambda: b"# S").read_bytes()
    b'# S'
    """
    folder = outputs_folder(settings)
    path = folder / file_name(issue, fmt)
    if path.is_file():
        return path
    with _RENDERING:
        if path.is_file():  # another request rendered it while this one waited
            return path
        data = render()
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader never gets half a file (and two workers never clash).
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
        log.info("rendered %s (%d bytes) into the published outputs", path.name, len(data))
    return path
