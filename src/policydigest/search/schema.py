"""The tantivy schema of the search index and how an article becomes an index document.

Fields: ``text`` (title + body) and ``title`` hold bigram terms with positions (see ``text.py``);
``content`` keeps the original title and body for snippets and "more like this"; each facet of
``FACETS`` has a fast field of its values and, when it is filtered by other forms too, a ``<name>_key``
field of its filter keys; ``date`` (yyyymmdd) sorts and filters by day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

import tantivy

from policydigest.search.documents import IndexedArticle
from policydigest.search.facets import FACETS, Facet, date_number
from policydigest.search.text import index_terms_many

#: Bump when the terms or the fixed fields change (the facets' fields count by themselves, see schema_version).
TERMS_VERSION = 3
#: Name of the analyzer of the bigram fields: the text is already split into terms by spaces.
BIGRAM_TOKENIZER = "policydigest_bigram"
#: Separates title and body in the stored ``content``.
CONTENT_SEPARATOR = "\x1e"
#: Articles fall into this many sample slots (field ``sample``): counts of very common words are
#: estimated from a few slots instead of every match (see ``counting.py``).
SAMPLE_SLOTS = 512


def schema_version(facets: Sequence[Facet] = FACETS) -> str:
    """The version of the index's schema: the terms' version and a digest of the facets' fields, so a
    facet added, removed or changed in the declaration asks for a new index by itself.

    >>> schema_version() == SCHEMA_VERSION != schema_version(FACETS[:-1])
    True
    """
    fields = ";".join(f"{f.name},{f.keys_field},{f.numeric},{f.stored}" for f in facets)
    return f"{TERMS_VERSION}-{hashlib.sha256(fields.encode()).hexdigest()[:8]}"


#: An index of another version must be rebuilt.
SCHEMA_VERSION = schema_version()


def build_schema() -> tantivy.Schema:
    """The index schema."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("text", tokenizer_name=BIGRAM_TOKENIZER, index_option="position")
    builder.add_text_field("title", tokenizer_name=BIGRAM_TOKENIZER, index_option="position")
    builder.add_bytes_field("content", stored=True)
    for facet in FACETS:
        if facet.numeric:
            builder.add_integer_field(facet.name, stored=facet.stored, indexed=True, fast=True)
        else:
            builder.add_text_field(
                facet.name, stored=facet.stored, tokenizer_name="raw", fast=True, index_option="basic"
            )
        if facet.aliases:
            builder.add_text_field(facet.keys_field, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("date", stored=True, indexed=True, fast=True)
    builder.add_integer_field("sample", stored=False, indexed=True, fast=False)
    return builder.build()


_SCHEMA = build_schema()
#: Per facet: its field, whether it is numeric, and its field of filter keys when it has one of its own.
_FACET_FIELDS = tuple((f.name, f.numeric, f.keys_field if f.aliases else None) for f in FACETS)


def register_analyzers(index: tantivy.Index) -> None:
    """Teach ``index`` the bigram analyzer (needed every time an index is opened)."""
    index.register_tokenizer(BIGRAM_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def to_document(article: IndexedArticle) -> tantivy.Document:
    """The index document of an article.

    >>> to_document(IndexedArticle(id=3, title="算力", body="正文")).to_dict()["id"]
    [3]
    """
    return to_documents([article])[0]


def to_documents(articles: Sequence[IndexedArticle]) -> list[tantivy.Document]:
    """The index documents of a batch of articles (their terms are computed together, see ``index_terms_many``)."""
    terms = index_terms_many([text for a in articles for text in (f"{a.title}\n{a.body}", a.title)])
    return [
        tantivy.Document.from_dict(_fields(article, terms[2 * n], terms[2 * n + 1]), _SCHEMA)
        for n, article in enumerate(articles)
    ]


def _fields(article: IndexedArticle, text_terms: str, title_terms: str) -> dict[str, Any]:
    """The document's fields by name, for ``Document.from_dict`` (one call instead of one per value)."""
    fields: dict[str, Any] = {
        "id": article.id,
        "text": text_terms,
        "title": title_terms,
        "content": f"{article.title}{CONTENT_SEPARATOR}{article.body}".encode(),
        "date": date_number(article.date),
        "sample": sample_slot(article.id),
    }
    for name, numeric, keys_field in _FACET_FIELDS:
        values = article.facets.get(name, ())
        if values:
            fields[name] = [int(value) for value in values] if numeric else list(values)
        if keys_field and (keys := article.keys.get(name) or values):
            fields[keys_field] = list(keys)
    return fields


def sample_slot(article_id: int) -> int:
    """The sample slot of an article: its id scattered by a multiplicative hash (ids follow time).

    >>> sorted({sample_slot(i) for i in range(1, 10_000)}) == list(range(SAMPLE_SLOTS))
    True
    """
    return ((article_id * 2_654_435_761) & 0xFFFFFFFF) * SAMPLE_SLOTS >> 32


def build_order(article_id: int, day: dt.date | None) -> tuple[int, int, int, int]:
    """Where an article goes in a whole-index build (``policydigest reindex``): by month, then by sample
    slot, then by day and id. The articles of a sample (its first slots) are then one stretch of each
    month, and the newest days the last stretches of the index: counting in a sample and ranking the
    newest read a few runs of the postings instead of matches scattered over them (docs/search.md).

    >>> days = [(3, dt.date(2025, 2, 1)), (1, dt.date(2025, 1, 9)), (2, None)]
    >>> [article_id for article_id, day in sorted(days, key=lambda pair: build_order(*pair))]
    [2, 1, 3]
    """
    number = date_number(day)
    return number // 100, sample_slot(article_id), number, article_id


def split_content(raw: bytes) -> tuple[str, str]:
    """Title and body from the stored ``content``.

    >>> split_content("标题\\x1e正文".encode())
    ('标题', '正文')
    """
    title, _sep, body = raw.decode("utf-8").partition(CONTENT_SEPARATOR)
    return title, body
