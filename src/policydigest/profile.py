"""The publisher profile: who publishes the bulletin and how it looks (documented in docs/profile.md).

A profile is a TOML file. It names the series and its cover lines, the masthead (guiding units,
editors and their roles, contacts, address), the disclaimer, the about-the-editors text, the logo,
the columns in print order with the role each plays, and the editorial weights used when ranking.
policydigest ships a fictional profile for its demo; a real think tank writes its own and names it
in the ``profile_path`` setting.
"""

from __future__ import annotations

import logging
import tomllib
from importlib import resources
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from policydigest.errors import ConfigError, problems_zh
from policydigest.model import AuthorityLevel, BackMatter, Block, Issue, Masthead, MastheadRole
from policydigest.model import ColumnRole as ColumnRole  # re-exported: readers of the profile name roles


class ProfileChoice(Protocol):
    """What names the profile in the settings (``Settings`` is one): the profile sits below the settings,
    which derive their columns from it, so it names no settings class."""

    @property
    def profile_path(self) -> Path | None: ...

    @property
    def home_region(self) -> str | None: ...

log = logging.getLogger(__name__)

DEMO_PROFILE = "profile.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeriesInfo(_Strict):
    """The cover lines."""

    title: str = Field(min_length=1, description="Series title, e.g. 数字经济观察.")
    slogan: str | None = None
    strapline: str | None = None
    logo: Path | None = Field(default=None, description="Logo image (SVG or PNG), relative to the profile file.")
    logo_alt: str | None = Field(default=None, description="Text alternative of the logo.")


class EditorRole(_Strict):
    """A masthead line: a role and who fills it."""

    role: str = Field(min_length=1)
    names: list[str] = Field(min_length=1)


class MastheadInfo(_Strict):
    """The masthead page."""

    guiding_units: list[str] = Field(default_factory=list)
    roles: list[EditorRole] = Field(default_factory=list)
    contacts: dict[str, str] = Field(default_factory=dict)
    address: str | None = None


class AboutEntry(_Strict):
    """One organisation or person in the about-the-editors section."""

    name: str = Field(min_length=1)
    name_en: str | None = None
    text: str = Field(description="Paragraphs separated by blank lines.")


class ColumnInfo(_Strict):
    """A column, in print order."""

    name: str = Field(min_length=1)
    role: ColumnRole
    description: str = ""


_LEVEL_POINTS: dict[AuthorityLevel, float] = {
    "national": 30.0,
    "provincial": 18.0,
    "prefecture": 12.0,
    "district": 6.0,
    "foreign": 14.0,
    "international": 14.0,
}
_LEVEL_AUTHORITY_WEIGHTS: dict[AuthorityLevel, float] = {
    "national": 15.0,
    "provincial": 10.0,
    "prefecture": 6.0,
    "district": 3.0,
    "foreign": 8.0,
    "international": 8.0,
}


class SourcePoints(_Strict):
    """Points for where an article's copy comes from."""

    government: float = Field(default=10.0, description="A government site (.gov.cn) or an authority as source.")
    official_media: float = Field(default=6.0, description="Official media (新华社, 人民日报 …) or local media.")
    named: float = Field(default=3.0, description="Any other named source.")
    link_only: float = Field(default=1.0, description="No source named, only a link to the original.")
    none: float = Field(default=-3.0, description="Neither a source nor a link.")


class Ranking(_Strict):
    """Every ranking weight (compose/rank.py), declared here once; each default is the demo's choice.

    The weight of a named authority (国家数据局 24 …) is its ``weight`` in the table of authorities,
    ``data/enrich/authorities.toml``; ``authorities`` here overrides it.
    """

    topics: dict[str, float] = Field(
        default_factory=dict,
        description="Topic id, topic label or plain keyword → points for an article about it.",
    )
    authorities: dict[str, float] = Field(
        default_factory=dict,
        description="Issuing authority (full name or abbreviation) → points, replacing the table's weight.",
    )
    level_points: dict[AuthorityLevel, float] = Field(
        default_factory=lambda: dict(_LEVEL_POINTS),
        description="Points for the level of the issuing authority: national news leads.",
    )
    level_authority_weights: dict[AuthorityLevel, float] = Field(
        default_factory=lambda: dict(_LEVEL_AUTHORITY_WEIGHTS),
        description="Weight of an issuing authority without a weight of its own, by its level.",
    )
    joint_points_per_department: float = Field(default=2.0, description="Per department beyond the first.")
    joint_cap: float = Field(default=6.0, description="Most points joint issuance earns.")
    home_column_points: float = Field(default=10.0, description="Home-region news in the home column.")
    home_mention_points: float = Field(default=4.0, description="Home-region news in another column.")
    topic_cap: float = Field(default=15.0, description="Most points topics earn together.")
    recency_points: float = Field(default=10.0, description="Points on the issue date.")
    recency_half_life_days: float = Field(default=7.0, gt=0, description="Days after which recency points halve.")
    sources: SourcePoints = Field(default_factory=SourcePoints)

    @field_validator("level_points", "level_authority_weights", mode="before")
    @classmethod
    def _levels_left_out_keep_their_default(cls, value: object, info: ValidationInfo) -> object:
        """A profile may weigh some levels only.

        >>> Ranking.model_validate({"level_points": {"national": 40}}).level_points["provincial"]
        18.0
        """
        defaults = _LEVEL_POINTS if info.field_name == "level_points" else _LEVEL_AUTHORITY_WEIGHTS
        return {**defaults, **value} if isinstance(value, dict) else value


class Profile(_Strict):
    """A publisher profile.

    >>> p = load_profile()
    >>> p.series.title, [c.name for c in p.columns]
    ('数字经济观察', ['国策要论', '地方新政', '产业前沿', '数谷动态'])
    """

    series: SeriesInfo
    masthead: MastheadInfo = Field(default_factory=MastheadInfo)
    disclaimer: str | None = None
    about_heading: str = "主编简介"
    about: list[AboutEntry] = Field(default_factory=list)
    columns: list[ColumnInfo] = Field(min_length=1)
    home_region: str | None = Field(
        default=None,
        description="The publisher's home province (贵州): its news goes to the home column. None: no home region.",
    )
    ranking: Ranking = Field(default_factory=Ranking)
    source: Path | None = Field(default=None, description="The file the profile was read from.")

    @model_validator(mode="after")
    def _columns_are_distinct(self) -> Profile:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"columns must have distinct names, got {names}")
        return self

    @property
    def column_names(self) -> list[str]:
        """Column names in print order."""
        return [c.name for c in self.columns]

    def column_for(self, role: ColumnRole) -> str:
        """The first column that plays ``role``, else the last column (logged)."""
        for column in self.columns:
            if column.role is role:
                return column.name
        log.info("profile has no %s column; using %s", role.value, self.columns[-1].name)
        return self.columns[-1].name

    def role_of(self, column: str) -> ColumnRole | None:
        """The role of a column, or None when the profile does not name it."""
        return next((c.role for c in self.columns if c.name == column), None)

    @property
    def logo_path(self) -> Path | None:
        """The logo file, resolved against the profile's folder; None when unset or missing (logged)."""
        if self.series.logo is None:
            return None
        path = self.series.logo
        if not path.is_absolute() and self.source is not None:
            path = self.source.parent / path
        if not path.is_file():
            log.warning("profile logo %s does not exist; rendering without it", path)
            return None
        return path


def demo_profile_path() -> Path:
    """Where the fictional demo profile is installed."""
    return Path(str(resources.files("policydigest") / "data" / DEMO_PROFILE))


def load_profile(path: Path | None = None) -> Profile:
    """Read a profile; ``None`` reads the fictional demo profile.

    Raises ``ConfigError`` with the file and the offending field when the file is missing or invalid.

    >>> load_profile().masthead.roles[0].role
    '主编'
    """
    path = path or demo_profile_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"出版配置 {path} 不存在（见 docs/profile.md）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取出版配置 {path}：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"出版配置 {path} 不是有效的 TOML：{exc}") from exc
    try:
        return Profile.model_validate({**data, "source": path})
    except ValidationError as exc:
        raise ConfigError(f"出版配置 {path}：{problems_zh(exc.errors())}（见 docs/profile.md）") from exc


def profile_for(settings: ProfileChoice) -> Profile:
    """The profile the settings name (``profile_path``), else the demo profile; ``home_region`` set in
    the settings overrides the profile's.

    >>> from policydigest.settings import Settings
    >>> profile_for(Settings(home_region="宁夏")).home_region
    '宁夏'
    """
    profile = load_profile(settings.profile_path)
    if settings.home_region:
        return profile.model_copy(update={"home_region": settings.home_region})
    return profile


def masthead_of(profile: Profile) -> Masthead:
    """The issue masthead the profile describes.

    >>> masthead_of(load_profile()).slogan
    '追踪数字经济政策脉搏，服务区域高质量发展'
    """
    info = profile.masthead
    return Masthead(
        slogan=profile.series.slogan,
        strapline=profile.series.strapline,
        guiding_units=list(info.guiding_units),
        roles=[MastheadRole(role=r.role, names=list(r.names)) for r in info.roles],
        contacts=dict(info.contacts),
        address=info.address,
    )


def back_matter_of(profile: Profile) -> list[BackMatter]:
    """The about-the-editors section: each entry's name as a sub-heading, then its paragraphs."""
    if not profile.about:
        return []
    blocks: list[Block] = []
    for entry in profile.about:
        blocks.append(Block.heading(entry.name))
        if entry.name_en:
            blocks.append(Block.paragraph(entry.name_en))
        blocks.extend(Block.paragraph(p.strip()) for p in entry.text.split("\n\n") if p.strip())
    return [BackMatter(heading=profile.about_heading, blocks=blocks)]


def apply_profile(issue: Issue, profile: Profile) -> Issue:
    """``issue`` with the profile's series title, masthead, disclaimer and back matter.

    >>> import datetime as dt
    >>> issue = Issue(series="草稿", number=1, total_number=1, date=dt.date(2025, 1, 3))
    >>> apply_profile(issue, load_profile()).series
    '数字经济观察'
    """
    return issue.model_copy(
        update={
            "series": profile.series.title,
            "masthead": masthead_of(profile),
            "disclaimer": profile.disclaimer,
            "back_matter": back_matter_of(profile),
        }
    )
