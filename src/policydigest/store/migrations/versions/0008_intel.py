"""Policy intelligence: documents, their mentions, follow-up links and targets, derived from articles.

Revision ID: 0008_intel
Revises: 0007_documents
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_intel"
down_revision = "0007_documents"
branch_labels = None
depends_on = None


def _article() -> sa.Column[int]:
    return sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "intel_built",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )
    op.create_table(
        "intel_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20)),
        sa.Column("status", sa.String(20)),
        sa.Column("level", sa.String(20)),
        sa.Column("region", sa.String(40)),
        sa.Column("issuers", sa.JSON(), nullable=False),
        sa.Column("government", sa.String(80)),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.Date()),
        sa.Column("announcing_article_id", sa.Integer()),
        sa.Column("mentions", sa.Integer(), nullable=False),
    )
    op.create_index("ix_intel_documents_level", "intel_documents", ["level"])
    op.create_index("ix_intel_documents_region", "intel_documents", ["region"])
    op.create_table(
        "intel_mentions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _article(),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20)),
        sa.Column("status", sa.String(20)),
        sa.Column("announces", sa.Boolean(), nullable=False),
        sa.Column("level", sa.String(20)),
        sa.Column("region", sa.String(40)),
        sa.Column("issuers", sa.JSON(), nullable=False),
        sa.Column("government", sa.String(80)),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("date", sa.Date()),
        sa.UniqueConstraint("article_id", "key", name="uq_intel_mention"),
    )
    op.create_index("ix_intel_mentions_article_id", "intel_mentions", ["article_id"])
    op.create_index("ix_intel_mentions_key", "intel_mentions", ["key"])
    op.create_table(
        "intel_followups",
        sa.Column("id", sa.Integer(), primary_key=True),
        _article(),
        sa.Column("parent_key", sa.String(400), nullable=False),
        sa.Column("child_key", sa.String(400)),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("level", sa.String(20)),
        sa.Column("region", sa.String(40)),
        sa.Column("date", sa.Date()),
    )
    op.create_index("ix_intel_followups_article_id", "intel_followups", ["article_id"])
    op.create_index("ix_intel_followups_parent_key", "intel_followups", ["parent_key"])
    op.create_table(
        "intel_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        _article(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("comparator", sa.String(2), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_max", sa.Float()),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("deadline", sa.Date()),
        sa.Column("region", sa.String(40)),
        sa.Column("issuer", sa.Text()),
        sa.Column("document", sa.Text()),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
    )
    op.create_index("ix_intel_targets_article_id", "intel_targets", ["article_id"])
    op.create_index("ix_intel_targets_deadline", "intel_targets", ["deadline"])
    op.create_index("ix_intel_targets_region", "intel_targets", ["region"])


def downgrade() -> None:
    for table in ("intel_targets", "intel_followups", "intel_mentions", "intel_documents", "intel_built"):
        op.drop_table(table)
