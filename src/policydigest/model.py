"""The typed data model every stage shares: issues, their masthead and contents, and articles.

Articles are first-class: an article knows where it came from (``provenance``) but not which
issue it belongs to, so the same article can later arrive from the web or appear in another issue.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policydigest.enrichment import AuthorityLevel as AuthorityLevel  # re-exported: ranking names the same levels
from policydigest.enrichment import ColumnRole as ColumnRole  # re-exported: the profile and drafting name the roles
from policydigest.enrichment import Enrichment, upgrade_enrichment
from policydigest.safetext import clean_value, http_url

#: Headings that open an issue's closing section (the default of a setting).
DEFAULT_BACK_MATTER: tuple[str, ...] = ("主编简介", "编者简介", "关于我们")

log = logging.getLogger(__name__)


# ---- text cleaning at the model boundary (issue 16) ----------------------------------------------


class CleanModel(BaseModel):
    """A model whose every text (nested lists and dicts too) is cleaned as it comes in, whatever the way in.

    >>> Block.paragraph("封面\\x0c标题\\u202e").text
    '封面标题'
    """

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        return clean_value(value)


def _link(url: str | None) -> str | None:
    """An article's link kept only when it is http(s) (a page's canonical link can be ``javascript:``)."""
    safe = http_url(url)
    if url and safe is None:
        log.info("link %r dropped: only http(s) addresses are kept", url[:80])
    return safe


#: The customary columns of the bulletin format, in print order, with their roles: the headings a printed
#: bulletin is read with, and how a customary name maps onto a profile's columns. A publisher's own
#: columns are its profile's [[columns]] (docs/profile.md).
DEFAULT_COLUMN_ROLES: dict[str, ColumnRole] = {
    "国策要论": ColumnRole.NATIONAL,
    "地方新政": ColumnRole.LOCAL,
    "产业前沿": ColumnRole.FRONTIER,
    "数谷动态": ColumnRole.HOME,
}
DEFAULT_COLUMNS: tuple[str, ...] = tuple(DEFAULT_COLUMN_ROLES)


class BlockKind(StrEnum):
    """What a piece of an article body is."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    TABLE = "table"
    CAPTION = "caption"


class Block(CleanModel):
    """One piece of an article body: a paragraph, a sub-heading, a figure/table caption or a table.

    >>> Block.paragraph("数据要素市场加快培育。").text
    '数据要素市场加快培育。'
    >>> Block.table([["排名", "企业"], ["1", "某科技"]]).as_text()
    '排名\\t企业\\n1\\t某科技'
    """

    model_config = ConfigDict(frozen=True)

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = Field(default_factory=list)

    @classmethod
    def paragraph(cls, text: str) -> Block:
        return cls(kind=BlockKind.PARAGRAPH, text=text)

    @classmethod
    def heading(cls, text: str) -> Block:
        return cls(kind=BlockKind.HEADING, text=text)

    @classmethod
    def caption(cls, text: str) -> Block:
        return cls(kind=BlockKind.CAPTION, text=text)

    @classmethod
    def table(cls, rows: list[list[str]]) -> Block:
        return cls(kind=BlockKind.TABLE, rows=rows)

    def as_text(self) -> str:
        """The block as plain text; a table becomes tab-separated lines."""
        if self.kind is BlockKind.TABLE:
            return "\n".join("\t".join(row) for row in self.rows)
        return self.text


class Provenance(CleanModel):
    """Where one copy of an article came from."""

    kind: Literal["bulletin", "web", "file"]
    location: str = Field(description="File path or URL the article was read from.")
    issue_total_number: int | None = Field(default=None, description="总期 of the bulletin, if any.")
    retrieved_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _web_location_is_http(self) -> Provenance:
        if self.kind == "web" and self.location and http_url(self.location) is None:
            raise ValueError(f"a web provenance needs an http(s) address, not {self.location[:80]!r}")
        return self

# ---- attachments read as documents (issue 14) -------------------------------------------------


class AttachedDocument(CleanModel):
    """An attachment of a web article read as a document: its text with structure, or why it has none.

    >>> doc = AttachedDocument(url="https://e.gov.cn/f/方案.pdf", name="附件：实施方案", kind="pdf")
    >>> doc.read, doc.text
    (False, '')
    """

    url: str = Field(description="Where the attachment was fetched from.")
    name: str = Field(default="", description="The link text, e.g. 附件1：实施方案.")
    kind: str = Field(default="", description="File type the link named (pdf, doc, wps …).")
    format: str | None = Field(default=None, description="File type judged from the bytes themselves.")
    blocks: list[Block] = Field(default_factory=list)
    ocr: bool = Field(default=False, description="The text was read from page images by OCR.")
    ocr_confidence: float | None = Field(default=None, description="Mean OCR word confidence, 0–100.")
    reason: str | None = Field(default=None, description="Why there is no (or only part of the) text.")

    @property
    def read(self) -> bool:
        """True when some text was extracted."""
        return bool(self.blocks)

    @property
    def text(self) -> str:
        """Blocks joined by newlines."""
        return "\n".join(block.as_text() for block in self.blocks)


class Article(CleanModel):
    """An article: title, column, structured body, source and original link.

    >>> a = Article(title="示例", blocks=[Block.paragraph("第一段。"), Block.paragraph("第二段。")])
    >>> a.body
    '第一段。\\n第二段。'
    """

    id: int | None = Field(default=None, description="Store id, once stored.")
    title: str
    column: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    source: str | None = Field(default=None, description="Publisher from （来源：…）.")
    url: str | None = Field(default=None, description="Original link (原文链接).")
    toc_page: int | None = Field(default=None, description="Page given by the issue's table of contents.")
    published: dt.date | None = None
    provenance: list[Provenance] = Field(default_factory=list)
    enrichment: Enrichment = Field(default_factory=Enrichment, description="What the enrichment stages found.")
    documents: list[AttachedDocument] = Field(
        default_factory=list, description="Attachments read as documents: the primary text of a notice."
    )

    @field_validator("enrichment", mode="before")
    @classmethod
    def _upgrade(cls, value: Any) -> Any:
        # Stored JSON of any version is read through the one upgrade function.
        return upgrade_enrichment(value) if isinstance(value, Mapping) else value

    _http_link = field_validator("url")(_link)

    @property
    def body(self) -> str:
        """Paragraphs (and sub-headings, captions, tables) joined by newlines."""
        return "\n".join(block.as_text() for block in self.blocks)

    @property
    def full_text(self) -> str:
        """The body followed by the text of every attachment read, for search and enrichment.

        >>> doc = AttachedDocument(url="u", blocks=[Block.paragraph("附件正文。")])
        >>> Article(title="t", blocks=[Block.paragraph("正文。")], documents=[doc]).full_text
        '正文。\\n附件正文。'
        """
        return "\n".join([self.body, *(doc.text for doc in self.documents if doc.read)])


class TocEntry(CleanModel):
    """One line of 本期要目."""

    column: str
    title: str
    page: int | None = None


class MastheadRole(CleanModel):
    """A masthead line such as 主编 or 责任编辑 and who fills it (people or organisations)."""

    role: str
    names: list[str]


class Masthead(CleanModel):
    """The cover and the masthead page of an issue."""

    slogan: str | None = None
    strapline: str | None = None
    guiding_units: list[str] = Field(default_factory=list)
    roles: list[MastheadRole] = Field(default_factory=list, description="Editors and their roles.")
    contacts: dict[str, str] = Field(default_factory=dict, description="咨询电话, 邮箱, 新媒体 …")
    address: str | None = None


class BackMatter(CleanModel):
    """A closing section such as 主编简介, kept as a heading and its blocks."""

    heading: str
    blocks: list[Block] = Field(default_factory=list)


class Issue(CleanModel):
    """One numbered issue of a bulletin series (identity: series + 总期)."""

    series: str
    number: int = Field(description="期: number within the year.")
    total_number: int = Field(description="总期: number within the series.")
    date: dt.date
    cover_headline: str = ""
    masthead: Masthead = Field(default_factory=Masthead)
    disclaimer: str | None = None
    toc: list[TocEntry] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)
    back_matter: list[BackMatter] = Field(default_factory=list)
    source_file: str | None = None
    warnings: list[str] = Field(default_factory=list, description="What the importer noticed but kept.")
