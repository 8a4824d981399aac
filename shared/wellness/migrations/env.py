"""Alembic environment: migrates the database at DATABASE_URL (or the Cloud SQL instance).

A database ahead of these migration files (a rollback to an older release) is left as it is
when its revision descends from their head (`lineage`); `upgrade` reads that from
`config.attributes["ahead"]`.
"""

from __future__ import annotations

from alembic import context

from wellness.migrations import lineage
from wellness.migrations.schema import metadata  # every domain's tables, on the one metadata
from wellness.platform.config import load_settings
from wellness.platform.postgres.engine import build_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = build_engine(load_settings(), url=url or None, pool_size=1, bounded=False)
try:
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            ahead = lineage.ahead_of(connection, context.script)
            if ahead is None:
                context.run_migrations()
                lineage.record(connection, context.script)
            config.attributes["ahead"] = ahead
finally:
    engine.dispose()  # also when the database cannot be placed: no socket left open
