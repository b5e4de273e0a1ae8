"""Articles keep their attachments read as documents (issue 14).

Revision ID: 0004_documents
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_documents"
down_revision = "0003"
branch_labels = None
depends_on = None
# SQLite rebuilds the table for these changes: keep ids of deleted articles from being handed out again.
_KEEP = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("articles", table_kwargs=_KEEP) as batch:
        batch.add_column(sa.Column("documents", sa.JSON(), nullable=False, server_default="[]"))
    # The default only fills the rows already stored; new rows get theirs from the ORM.
    with op.batch_alter_table("articles", table_kwargs=_KEEP) as batch:
        batch.alter_column("documents", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("articles", table_kwargs=_KEEP) as batch:
        batch.drop_column("documents")
