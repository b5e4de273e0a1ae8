"""Join the crawl (0002_sources) and compose (0002_compose) branches into one head.

Revision ID: 0003
Revises: 0002_sources, 0002_compose
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0003"
down_revision = ("0002_sources", "0002_compose")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the two branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
