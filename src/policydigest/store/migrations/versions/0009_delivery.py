"""Delivery: subscribers, saved searches, mailings, the send log and what each reader was sent.

Revision ID: 0009_delivery
Revises: 0008_intel
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_delivery"
down_revision = "0008_intel"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("whole_issue", sa.Boolean(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("consent_at", _TS, nullable=True),
        sa.Column("consent_source", sa.Text(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("confirmed_at", _TS, nullable=True),
        sa.Column("unsubscribed_at", _TS, nullable=True),
        sa.Column("soft_bounces", sa.Float(), nullable=False),
        sa.Column("last_bounce_at", _TS, nullable=True),
        sa.Column("alerts_run_at", _TS, nullable=True),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_subscribers_status", "subscribers", ["status"])
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscriber_id", sa.Integer(), sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("last_run_at", _TS, nullable=True),
    )
    op.create_index("ix_saved_searches_subscriber_id", "saved_searches", ["subscriber_id"])
    op.create_table(
        "mailings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("article_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mailing_id", sa.Integer(), sa.ForeignKey("mailings.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "subscriber_id", sa.Integer(), sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("claimed_at", _TS, nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.UniqueConstraint("mailing_id", "subscriber_id", name="uq_delivery_mailing_subscriber"),
    )
    op.create_index("ix_deliveries_mailing_id", "deliveries", ["mailing_id"])
    op.create_index("ix_deliveries_subscriber_id", "deliveries", ["subscriber_id"])
    op.create_index("ix_deliveries_state", "deliveries", ["state"])
    op.create_table(
        "alert_sent",
        sa.Column(
            "subscriber_id",
            sa.Integer(),
            sa.ForeignKey("subscribers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("article_id", sa.Integer(), primary_key=True),
    )


def downgrade() -> None:
    for table in ("alert_sent", "deliveries", "mailings", "saved_searches", "subscribers"):
        op.drop_table(table)
