"""Publisher profile: the demo profile matches the sample bulletins; bad profiles fail clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policydigest.errors import ConfigError
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import Issue
from policydigest.profile import ColumnRole, apply_profile, load_profile, profile_for
from policydigest.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_DIR


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def test_demo_profile_gives_the_masthead_the_sample_bulletins_print() -> None:
    printed = read_bulletin(SAMPLE_DIR / "sample-bulletin-no8.txt")
    applied = apply_profile(printed.model_copy(update={"masthead": None}), load_profile())
    assert applied.series == printed.series
    assert applied.masthead.roles == printed.masthead.roles
    assert applied.masthead.guiding_units == printed.masthead.guiding_units
    assert applied.masthead.contacts == printed.masthead.contacts
    assert applied.masthead.address == printed.masthead.address
    assert _squash(applied.masthead.slogan) == _squash(printed.masthead.slogan)
    assert _squash(applied.masthead.strapline) == _squash(printed.masthead.strapline)
    assert applied.disclaimer == printed.disclaimer
    assert applied.back_matter == printed.back_matter


def test_demo_profile_orders_the_four_columns_with_their_roles() -> None:
    profile = load_profile()
    assert profile.column_names == ["国策要论", "地方新政", "产业前沿", "数谷动态"]
    assert profile.column_for(ColumnRole.HOME) == "数谷动态"
    assert profile.logo_path is not None and profile.logo_path.read_text(encoding="utf-8").startswith("<svg")


def test_a_profile_replaces_an_issues_series_masthead_and_back_matter(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[series]\ntitle = "测试周刊"\nslogan = "口号"\n'
        '[[masthead.roles]]\nrole = "主编"\nnames = ["某研究所"]\n'
        '[[about]]\nname = "某研究所"\ntext = "第一段。\\n\\n第二段。"\n'
        '[[columns]]\nname = "要闻"\nrole = "national"\n',
        encoding="utf-8",
    )
    issue = apply_profile(Issue(series="x", number=1, total_number=1, date=dt.date(2025, 1, 3)), load_profile(path))
    assert issue.series == "测试周刊" and issue.masthead.slogan == "口号"
    assert [b.text for b in issue.back_matter[0].blocks] == ["某研究所", "第一段。", "第二段。"]
    assert load_profile(path).column_for(ColumnRole.HOME) == "要闻"  # the last column stands in


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[series\ntitle = 1", "不是有效的 TOML"),
        ('[series]\ntitle = "x"\n', "columns"),
        ('[series]\ntitle = "x"\n[[columns]]\nname = "甲"\nrole = "sports"\n', "columns.0.role"),
        ('[series]\ntitle = "x"\ncolour = "red"\n[[columns]]\nname = "甲"\nrole = "home"\n', "series.colour"),
    ],
)
def test_a_bad_profile_names_the_file_and_the_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_profile(path)
    assert str(path) in str(raised.value)


def test_a_missing_profile_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="不存在"):
        load_profile(FIXTURES / "no-such-profile.toml")


def test_settings_take_their_columns_and_home_region_from_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'home_region = "宁夏"\n[series]\ntitle = "宁夏数字观察"\n'
        '[[columns]]\nname = "要闻"\nrole = "national"\n[[columns]]\nname = "本地"\nrole = "home"\n',
        encoding="utf-8",
    )
    settings = Settings(profile_path=path)
    assert settings.columns == ["要闻", "本地"]
    assert profile_for(settings).home_region == "宁夏"
    assert profile_for(Settings(profile_path=path, home_region="贵州")).home_region == "贵州"  # a run's override
