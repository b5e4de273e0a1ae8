"""All settings in one place: defaults < config file < ``POLICYDIGEST_*`` environment < CLI flags.

The config file is TOML, read from ``POLICYDIGEST_CONFIG`` or ``./policydigest.toml`` when present.
Every field carries its help text, shown by ``policydigest config``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from policydigest.model import DEFAULT_COLUMNS

CONFIG_ENV = "POLICYDIGEST_CONFIG"
DEFAULT_CONFIG_FILE = Path("policydigest.toml")


def config_file() -> Path | None:
    """The config file in force, if any.

    >>> import os; os.environ.pop("POLICYDIGEST_CONFIG", None) and None
    """
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class Settings(BaseSettings):
    """policydigest settings.

    >>> Settings(database_url="sqlite:///x.db").database_url
    'sqlite:///x.db'
    """

    model_config = SettingsConfigDict(env_prefix="POLICYDIGEST_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///policydigest.db",
        description="SQLAlchemy URL of the store: sqlite:///PATH (embedded default) or "
        "postgresql+psycopg://USER@HOST/DB.",
    )
    columns: list[str] = Field(
        default=list(DEFAULT_COLUMNS),
        description="The bulletin's columns in the order they are printed.",
    )
    home_region: str = Field(
        default="贵州",
        description="The publisher's home province; its news goes to the last column (数谷动态).",
    )
    back_matter_headings: list[str] = Field(
        default=["主编简介", "编者简介", "关于我们"],
        description="Headings that start the closing section of an issue (no articles after them).",
    )
    profile_path: Path | None = Field(
        default=None,
        description="Publisher profile (TOML, see docs/profile.md): series title, masthead, editors, "
        "disclaimer, about-the-editors, logo, columns and ranking weights. Unset: the fictional demo profile.",
    )
    draft_window_days: int = Field(
        default=14,
        ge=1,
        description="Days before the issue date in which `policydigest draft` gathers unpublished articles "
        "(when --from is not given).",
    )
    draft_max_per_column: int = Field(
        default=5,
        ge=1,
        description="Most articles a draft puts in one column; the rest stay in the draft as left out.",
    )
    log_level: str = Field(default="WARNING", description="Logging level: DEBUG, INFO, WARNING or ERROR.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: CLI flags (init) > environment > config file > defaults.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Settings with CLI-flag overrides applied; ``None`` values mean "flag not given".

    >>> load_settings(database_url=None).database_url.startswith("sqlite")
    True
    """
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
