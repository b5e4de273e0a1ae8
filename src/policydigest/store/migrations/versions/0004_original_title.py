"""A published article's title before its new title: compose's own data, out of the enrichment JSON.

Publishing used to keep it in ``articles.enrichment["compose"]["original_title"]``; it now lives on
the draft item that retitled the article.

Revision ID: 0004_original_title
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_original_title"
down_revision = "0003"
branch_labels = None
depends_on = None

_articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("enrichment", sa.JSON))
_items = sa.table(
    "draft_items",
    sa.column("article_id", sa.Integer),
    sa.column("new_title", sa.Text),
    sa.column("original_title", sa.Text),
)


def _as_dict(value: Any) -> dict[str, Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return dict(found) if isinstance(found, dict) else {}


def upgrade() -> None:
    with op.batch_alter_table("draft_items") as batch:
        batch.add_column(sa.Column("original_title", sa.Text(), nullable=True))
    bind = op.get_bind()
    for article_id, raw in bind.execute(sa.select(_articles.c.id, _articles.c.enrichment)).all():
        enrichment = _as_dict(raw)
        if "compose" not in enrichment:
            continue
        original = _as_dict(enrichment.pop("compose")).get("original_title")
        if isinstance(original, str):
            bind.execute(
                _items.update()
                .where(_items.c.article_id == article_id, _items.c.new_title.is_not(None))
                .values(original_title=original)
            )
        bind.execute(_articles.update().where(_articles.c.id == article_id).values(enrichment=enrichment))


def downgrade() -> None:
    with op.batch_alter_table("draft_items") as batch:
        batch.drop_column("original_title")
