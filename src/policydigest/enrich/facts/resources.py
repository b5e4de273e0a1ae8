"""The tables the fact extractors read, shipped as TOML under ``policydigest/data/enrich/``."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

from policydigest.errors import ConfigError


@functools.cache
def load_table(name: str) -> dict[str, Any]:
    """The parsed TOML data file ``name`` (read once per process).

    >>> "kinds" in load_table("documents.toml")
    True
    """
    path = resources.files("policydigest") / "data" / "enrich" / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read enrichment table {name}: {exc}") from exc
