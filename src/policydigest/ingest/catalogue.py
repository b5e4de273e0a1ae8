"""The source catalogue: which feeds and listing pages to watch, read from a TOML file.

Schema (one ``[[source]]`` table per source; see ``policydigest/data/sources.toml``)::

    [[source]]
    name = "国务院·最新政策"             # unique; how the source is shown and stored (required)
    kind = "listing"                     # "feed" (RSS, Atom or JSON Feed), "listing" or "json" (required)
    url = "https://www.gov.cn/zhengce/zuixin/"   # the feed or the listing page (required)
    interval_minutes = 360               # crawl at most this often (default 360)
    selector = "div.list li a"           # listing: CSS selector of the links; omitted = auto-detect
    pattern = "/content_\\\\d+\\\\.htm"       # optional regex a link URL must match (re.search)
    publisher = "国务院"                  # optional: source of articles whose page names none
    region = "全国"                      # optional, informative
    verified = false                     # true once someone has run this entry online
    enabled = true                       # false keeps the entry but skips it
    max_items = 30                       # optional: new links taken per run (else crawl_max_items)
    notes = "…"                          # optional, free text
    pages = 5                            # listing/json: pages followed per run (default 1: the first only)
    page_url = "index_{n}.html"          # address of page n+1 (n = 1, 2, …), relative to url
    json_items = "data.list"             # json: dotted path to the list of items in the answer
    json_link = "url"                    # json: the item key holding the article link (default "url")
    json_title = "title"                 # json: the item key holding its title (default "title")
    attachments = "read"                 # "read" (fetch and read them) or "list" (keep the links only)
"""

from __future__ import annotations

import logging
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from policydigest.errors import CatalogueError, os_reason, problems_zh

log = logging.getLogger(__name__)
PACKAGED = "sources.toml"


class SourceSpec(BaseModel):
    """One watched source as written in the catalogue.

    >>> SourceSpec(name="示例", kind="feed", url="https://example.org/rss.xml").interval_minutes
    360
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Unique name, shown in `policydigest sources`.")
    kind: Literal["feed", "listing", "json"] = Field(
        description="feed: RSS/Atom/JSON Feed; listing: an HTML page; json: a listing's JSON endpoint."
    )
    url: HttpUrl = Field(description="Address of the feed or listing page.")
    interval_minutes: int = Field(default=360, ge=1, description="Minimum minutes between two crawls.")
    selector: str | None = Field(default=None, description="CSS selector of the listing's links.")
    pattern: str | None = Field(default=None, description="Regex that a link URL must match.")
    publisher: str | None = Field(default=None, description="Default source of the articles.")
    region: str | None = Field(default=None, description="Region the source covers.")
    verified: bool = Field(default=False, description="Whether the entry has been run online.")
    enabled: bool = Field(default=True, description="False: keep the entry but do not crawl it.")
    max_items: int | None = Field(default=None, ge=1, description="New links taken per run.")
    notes: str | None = Field(default=None, description="Free text for editors.")
    # ---- legacy listings and attachments (issue 14) ----
    pages: int = Field(default=1, ge=1, le=100, description="Listing pages followed per run (paged listings).")
    page_url: str | None = Field(
        default=None, description="Address of listing page n+1 relative to url, with {n} = 1, 2 … (index_{n}.html)."
    )
    json_items: str | None = Field(default=None, description="json: dotted path to the item list (data.list).")
    json_link: str = Field(default="url", description="json: key of an item's article link.")
    json_title: str = Field(default="title", description="json: key of an item's title.")
    attachments: Literal["read", "list"] = Field(
        default="read", description="read: fetch and read attachments; list: keep their links only."
    )

    @field_validator("page_url")
    @classmethod
    def _page_url_numbers_pages(cls, value: str | None) -> str | None:
        if value is not None and "{n}" not in value:
            raise ValueError(f"page_url {value!r} 必须含有表示页码的 {{n}}")
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern {value!r} 不是正则表达式：{exc}") from exc
        return value

    @field_validator("selector")
    @classmethod
    def _selector_parses(cls, value: str | None) -> str | None:
        if value is not None:
            from cssselect import GenericTranslator, SelectorError

            try:
                GenericTranslator().css_to_xpath(value)
            except SelectorError as exc:
                raise ValueError(f"selector {value!r} 不是 CSS 选择器：{exc}") from exc
        return value

    @property
    def address(self) -> str:
        """The URL as a plain string."""
        return str(self.url)


def parse_catalogue(text: str, *, origin: str = "<catalogue>") -> list[SourceSpec]:
    """Sources from catalogue TOML; a bad entry raises ``CatalogueError`` naming it.

    >>> [s.name for s in parse_catalogue('[[source]]\\nname="a"\\nkind="feed"\\nurl="https://e.org/f"')]
    ['a']
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{origin}：不是有效的 TOML：{exc}") from exc
    unknown = set(data) - {"source"}
    if unknown:
        raise CatalogueError(f"{origin}：未知的顶层键 {sorted(unknown)}；请用 [[source]] 表")
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{origin}：`source` 必须是表数组（[[source]]）")
    sources: list[SourceSpec] = []
    for position, entry in enumerate(entries, start=1):
        label = entry.get("name", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        try:
            sources.append(SourceSpec.model_validate(entry))
        except ValidationError as exc:
            problems = problems_zh(exc.errors())
            raise CatalogueError(f"{origin}：来源 {label!r}：{problems}") from exc
    names = [source.name for source in sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CatalogueError(f"{origin}：来源名称必须唯一；重复的有：{duplicates}")
    return sources


def load_catalogue(path: Path | None = None) -> list[SourceSpec]:
    """The catalogue at ``path``, or the packaged starter catalogue.

    >>> len(load_catalogue()) >= 8
    True
    """
    if path is None:
        text = resources.files("policydigest").joinpath("data", PACKAGED).read_text(encoding="utf-8")
        return parse_catalogue(text, origin=f"内置的 {PACKAGED}")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"无法读取信息源目录 {path}：{os_reason(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"信息源目录 {path} 不是 UTF-8 文本") from exc
    return parse_catalogue(text, origin=str(path))
