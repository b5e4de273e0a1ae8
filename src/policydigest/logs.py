"""Logging for every process: readable text by default, or JSON lines (python-json-logger) for collectors.

>>> import io, json, logging
>>> stream = io.StringIO()
>>> configure_logging("INFO", "json", stream=stream)
>>> logging.getLogger("policydigest.demo").info("imported %d issues", 2)
>>> json.loads(stream.getvalue())["message"], json.loads(stream.getvalue())["logger"]
('imported 2 issues', 'policydigest.demo')
"""

from __future__ import annotations

import logging
from typing import IO, Literal

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
#: Fields of every JSON line; extra fields given to a log call are added as they are.
JSON_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


def configure_logging(level: str, fmt: Literal["text", "json"], *, stream: IO[str] | None = None) -> None:
    """Send every log record to ``stream`` (stderr by default) at ``level``, as text or JSON lines."""
    handler = logging.StreamHandler(stream)
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields=JSON_FIELDS))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
