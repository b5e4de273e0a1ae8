"""Alembic environment: migrates the connection handed over by ``policydigest.store.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from policydigest.store.metadata import metadata

config = context.config
target_metadata = metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Plain `alembic upgrade head` from a shell: connect from the ini's URL.
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
