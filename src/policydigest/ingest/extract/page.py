"""The result of extracting one web page, and its conversion to the shared :class:`Article`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from policydigest.model import Article, AttachedDocument, Block, Provenance


class Attachment(BaseModel):
    """A linked document (PDF, Word, WPS, Excel …) and the link text that names it."""

    url: str = Field(description="Absolute URL when the page URL is known, else as written.")
    text: str = Field(default="", description="The link text, e.g. 附件1：实施细则.pdf.")
    kind: str = Field(description="File type from the URL or link text: pdf, doc, docx, wps, xls, xlsx, ofd, zip …")


class ExtractedPage(BaseModel):
    """What :func:`policydigest.ingest.extract.extract_page` found on a page.

    >>> page = ExtractedPage(title="示例", blocks=[Block.paragraph("正文。")], url="https://example.gov.cn/a.html")
    >>> page.to_article().provenance[0].kind
    'web'
    """

    title: str
    published: dt.datetime | dt.date | None = Field(default=None, description="Beijing time as the page shows it.")
    source: str | None = Field(default=None, description="Publisher: 来源, ContentSource, WeChat account.")
    author: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    url: str | None = Field(default=None, description="Where the page was read from.")
    canonical_url: str | None = Field(default=None, description="rel=canonical / og:url, else the page URL.")

    @property
    def body(self) -> str:
        """Blocks joined by newlines."""
        return "\n".join(block.as_text() for block in self.blocks)

    @property
    def published_date(self) -> dt.date | None:
        """The publication day, whether or not a time was given."""
        if isinstance(self.published, dt.datetime):
            return self.published.date()
        return self.published

    def to_article(self, *, retrieved_at: dt.datetime | None = None) -> Article:
        """The shared article model, with a ``web`` provenance pointing at the page.

        Attachments become documents still to be fetched and read (``reason`` says so until they are).
        """
        link = self.canonical_url or self.url
        return Article(
            title=self.title,
            blocks=list(self.blocks),
            source=self.source,
            url=link,
            published=self.published_date,
            provenance=[Provenance(kind="web", location=self.url or link or "", retrieved_at=retrieved_at)],
            documents=[
                AttachedDocument(url=a.url, name=a.text, kind=a.kind, reason="页面上列出，未获取")
                for a in self.attachments
            ],
        )
