"""The change feed: one row per committed change to an article, followed by every web node's search index.

Revision ID: 0005_changes
Revises: 0004_jobs
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_changes"
down_revision = "0004_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_article_changes_at", "article_changes", ["at"])


def downgrade() -> None:
    op.drop_index("ix_article_changes_at", table_name="article_changes")
    op.drop_table("article_changes")
