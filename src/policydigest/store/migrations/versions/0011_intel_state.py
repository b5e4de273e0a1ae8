"""Policy intelligence: the change of the store's change feed the tables were last built at, so that
writers build only what changed since and pages can tell when the build is behind the store.

Revision ID: 0011_intel_state
Revises: 0008_intel
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_intel_state"
down_revision = "0008_intel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("intel_state")
