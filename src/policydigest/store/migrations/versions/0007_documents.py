"""Articles keep their attachments read as documents (issue 14).

Revision ID: 0007_documents
Revises: 0006_desk
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_documents"
down_revision = "0006_desk"
branch_labels = None
depends_on = None


# A plain ADD/DROP COLUMN, never a batch rebuild: on SQLite dropping the old articles table would cascade
# to placements, provenance, draft items and desk candidates. Rows stored before hold NULL (no attachments).
def upgrade() -> None:
    op.add_column("articles", sa.Column("documents", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "documents")
