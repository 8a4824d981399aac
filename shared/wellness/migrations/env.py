"""Alembic environment: migrates the database at DATABASE_URL (or the Cloud SQL instance)."""

from __future__ import annotations

from alembic import context

from wellness.migrations.schema import metadata  # every domain's tables, on the one metadata
from wellness.platform.config import load_settings
from wellness.platform.postgres.engine import build_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = build_engine(load_settings(), url=url or None, pool_size=1, bounded=False)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
