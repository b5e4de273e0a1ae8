"""The job queue: procrastinate's schema (PostgreSQL only) and crawl state shared by every worker.

``crawl_hosts`` spaces requests to one host across all workers; ``robots_rules`` keeps each origin's
robots.txt so that N workers read it once. On SQLite (one process) the tables exist but stay unused.

Revision ID: 0004_jobs
Revises: 0004_original_title
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager

revision = "0004_jobs"
down_revision = "0004_original_title"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_hosts",
        sa.Column("host", sa.String(300), primary_key=True),
        sa.Column("next_start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delay_seconds", sa.Float(), nullable=False),
    )
    op.create_table(
        "robots_rules",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "job_errors",
        sa.Column("job_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("task", sa.String(128), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Straight to psycopg without parameters, so the schema's own % signs are not read as placeholders.
        with op.get_bind().connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(SchemaManager.get_schema())


def downgrade() -> None:
    op.drop_table("job_errors")
    op.drop_table("robots_rules")
    op.drop_table("crawl_hosts")
