"""Issues the render tests use: a hostile one (markup in every field), the samples and the shared bulletins."""

from __future__ import annotations

from pathlib import Path

from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS, Issue
from tests.conftest import FIXTURES, ROOT, SAMPLE_DIR, find_shared

COLUMNS = list(DEFAULT_COLUMNS)
HOSTILE = FIXTURES / "render" / "hostile-issue.json"


def hostile_issue() -> Issue:
    """An issue whose every text field carries HTML, Markdown or control characters."""
    return Issue.model_validate_json(HOSTILE.read_text(encoding="utf-8"))


def sample_issue() -> Issue:
    """The project's sample bulletin 第8期 (tables, captions, sub-headings, back matter)."""
    return read_bulletin(SAMPLE_DIR / "sample-bulletin-no8.txt")


def shared_bulletins() -> list[Path]:
    """The three shared bulletins, or none when ../shared is absent."""
    shared = find_shared()
    return sorted((shared / "bulletins").glob("*.txt")) if shared else []


def artifact(name: str, data: bytes) -> None:
    """Keep a rendered file for people to look at, when the run has an artifacts folder (CI has)."""
    folder = ROOT / "artifacts"
    if folder.is_dir():
        (folder / "render").mkdir(exist_ok=True)
        (folder / "render" / name).write_bytes(data)
