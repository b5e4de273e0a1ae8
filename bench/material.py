"""Where the benchmarks find ../shared (read, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_folder(name: str) -> Path | None:
    """``../shared/NAME`` (POLICYDIGEST_SHARED overrides; a worktree falls back to /work/shared), or None.

    >>> shared_folder("no-such-folder") is None
    True
    """
    for base in (os.environ.get("POLICYDIGEST_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if base and Path(base, name).is_dir():
            return Path(base, name)
    return None
