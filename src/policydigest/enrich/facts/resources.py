"""The tables the fact extractors read, shipped as TOML under ``policydigest/data/enrich/``.

``authority_table()`` is the one typed table of authorities: every full name with its abbreviations,
level and ranking weight. The facts stage matches text against it and ranking (compose) weighs
authorities from it, so both normalise a name the same way.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policydigest.errors import ConfigError
from policydigest.model import AuthorityLevel


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
        raise ConfigError(f"无法读取加工数据表 {name}：{exc}") from exc


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NationalRow(_Row):
    """A national authority of ``[national]``: its abbreviations and built-in ranking weight."""

    aliases: list[str] = Field(default_factory=list)
    weight: float | None = Field(default=None, gt=0, description="None: the authority weighs what its level does.")


class Media(_Row):
    """Publishers that are media, not authorities."""

    official: list[str]
    local_suffixes: list[str]


class Authority(_Row):
    """One authority of the table, as ranking and facts see it."""

    name: str
    level: AuthorityLevel
    weight: float | None = None


class AuthorityTable(_Row):
    """``data/enrich/authorities.toml``, typed and checked (one written form names one authority).

    >>> table = authority_table()
    >>> table.full_name("发改委"), table.full_name("美国防部"), table.full_name("某研究院")
    ('国家发展和改革委员会', '美国国防部', '某研究院')
    >>> table.get("工信部")
    Authority(name='工业和信息化部', level='national', weight=22.0)
    """

    international: list[str]
    local_suffixes: list[str]
    department_stems: list[str]
    local_stopwords: list[str]
    national: dict[str, NationalRow]
    local: dict[str, str]
    foreign: dict[str, str]
    foreign_aliases: dict[str, str]
    media: Media

    @model_validator(mode="after")
    def _forms_are_distinct(self) -> AuthorityTable:
        seen: dict[str, str] = {}
        for full, row in self.national.items():
            for form in [full, *row.aliases]:
                if seen.setdefault(form, full) != full:
                    raise ValueError(f"{form} names both {seen[form]} and {full}")
        return self

    @functools.cached_property
    def _by_form(self) -> dict[str, Authority]:
        found: dict[str, Authority] = {}
        for full, row in self.national.items():
            for form in [full, *row.aliases]:
                found[form] = Authority(name=full, level="national", weight=row.weight)
        for full in self.international:
            found[full] = Authority(name=full, level="international")
        for form, full in self.foreign_aliases.items():
            found[form] = Authority(name=full, level="foreign")
        return found

    def forms(self) -> dict[str, Authority]:
        """Every written form of a national, international or foreign-alias authority → the authority."""
        return dict(self._by_form)

    def get(self, form: str) -> Authority | None:
        """The authority ``form`` names, when the table lists it."""
        return self._by_form.get(form)

    def full_name(self, form: str) -> str:
        """The full name of ``form`` (unchanged when the table does not list it)."""
        found = self._by_form.get(form)
        return found.name if found is not None else form


@functools.cache
def authority_table() -> AuthorityTable:
    """The table of authorities, read and checked once per process."""
    try:
        return AuthorityTable.model_validate(load_table("authorities.toml"))
    except ValidationError as exc:
        raise ConfigError(f"加工数据表 authorities.toml 无效：{exc}") from exc
