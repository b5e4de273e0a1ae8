"""Shared fixtures: where ../shared is, and the project's own sample data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "expected"
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_DIR = ROOT / "src" / "policydigest" / "data" / "sample"


def find_shared() -> Path | None:
    """The read-only ../shared folder (POLICYDIGEST_SHARED overrides; worktrees fall back to /work/shared)."""
    for candidate in (os.environ.get("POLICYDIGEST_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if candidate and Path(candidate, "bulletins").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = find_shared()
    if found is None:
        pytest.skip("../shared is not beside the repository")
    return found


def load_expected(name: str) -> Any:
    """A pinned expectation file from tests/expected/ (a list of issues, or one issue)."""
    return json.loads((EXPECTED / name).read_text(encoding="utf-8"))
