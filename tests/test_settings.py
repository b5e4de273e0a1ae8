"""Settings precedence: defaults < config file < POLICYDIGEST_* environment < CLI flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policydigest.settings import Settings, load_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policydigest.toml"
    path.write_text('database_url = "sqlite:///from-file.db"\nhome_region = "浙江"\n', encoding="utf-8")
    monkeypatch.setenv("POLICYDIGEST_CONFIG", str(path))
    monkeypatch.delenv("POLICYDIGEST_DATABASE_URL", raising=False)
    return path


def test_defaults_apply_without_file_or_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYDIGEST_CONFIG", raising=False)
    monkeypatch.delenv("POLICYDIGEST_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///policydigest.db"
    assert Settings().columns == ["国策要论", "地方新政", "产业前沿", "数谷动态"]


def test_config_file_overrides_defaults(config: Path) -> None:
    settings = Settings()
    assert settings.database_url == "sqlite:///from-file.db" and settings.home_region == "浙江"


def test_environment_overrides_config_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYDIGEST_DATABASE_URL", "sqlite:///from-env.db")
    assert Settings().database_url == "sqlite:///from-env.db"
    assert Settings().home_region == "浙江"


def test_flags_override_environment(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYDIGEST_DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings(database_url="sqlite:///from-flag.db").database_url == "sqlite:///from-flag.db"
    assert load_settings(database_url=None).database_url == "sqlite:///from-env.db"


def test_every_setting_has_help_text() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_every_setting_has_a_chinese_title() -> None:
    untitled = [name for name, field in Settings.model_fields.items() if not re.search(r"[一-鿿]", field.title or "")]
    assert not untitled
