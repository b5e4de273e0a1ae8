"""Delivery: the subscribe form's rate limits in the store (shared by every web process), and a
subscriber's followed facets in one JSON column instead of one column per facet.

Revision ID: 0010_delivery_limits
Revises: 0009_delivery
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010_delivery_limits"
down_revision = "0009_delivery"
branch_labels = None
depends_on = None

#: Each old preference column and the facet it held, as the schema was at 0009.
_OLD = {"columns": "column", "regions": "region", "topics": "topic"}
_subscribers = sa.table(
    "subscribers", sa.column("id", sa.Integer), sa.column("follows", sa.JSON), *(sa.column(c, sa.JSON) for c in _OLD)
)


def _as_list(value: Any) -> list[Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return list(found) if isinstance(found, list) else []


def upgrade() -> None:
    op.create_table(
        "delivery_limits",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("last_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_delivery_limits_last_at", "delivery_limits", ["last_at"])
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("follows", sa.JSON(), nullable=True))
    bind = op.get_bind()
    columns = [_subscribers.c[c] for c in _OLD]
    for subscriber_id, *values in bind.execute(sa.select(_subscribers.c.id, *columns)).all():
        follows = {facet: _as_list(v) for facet, v in zip(_OLD.values(), values, strict=True) if _as_list(v)}
        bind.execute(_subscribers.update().where(_subscribers.c.id == subscriber_id).values(follows=follows))
    with op.batch_alter_table("subscribers") as batch:
        batch.alter_column("follows", existing_type=sa.JSON(), nullable=False)
        for column in _OLD:
            batch.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        for column in _OLD:
            batch.add_column(sa.Column(column, sa.JSON(), nullable=True))
    bind = op.get_bind()
    for subscriber_id, raw in bind.execute(sa.select(_subscribers.c.id, _subscribers.c.follows)).all():
        follows = json.loads(raw) if isinstance(raw, str) else (raw or {})
        values = {column: list(follows.get(facet, [])) for column, facet in _OLD.items()}
        bind.execute(_subscribers.update().where(_subscribers.c.id == subscriber_id).values(**values))
    with op.batch_alter_table("subscribers") as batch:
        for column in _OLD:
            batch.alter_column(column, existing_type=sa.JSON(), nullable=False)
        batch.drop_column("follows")
    op.drop_index("ix_delivery_limits_last_at", table_name="delivery_limits")
    op.drop_table("delivery_limits")
