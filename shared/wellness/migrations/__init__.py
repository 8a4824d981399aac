"""The database schema of every Postgres domain, as Alembic migrations (`python -m wellness.migrations`).

Migrations are expand-only during a release: the revision users are on keeps working
on the new schema, which is what makes rolling functions back safe. After them, the
migration job gives each function's database user exactly its table rights (`grants`).
A rollback's job finds the database ahead of its files and leaves it alone (`lineage`).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from wellness.migrations.lineage import Ahead

MIGRATIONS = Path(__file__).resolve().parent
# Alembic loads these by path, not by import: packaging ships them in the migration job's bundle.
BUNDLE_DATA = ("env.py", "script.py.mako", "versions/*.py")


def alembic_config(url: str | None = None, migrations: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head", migrations: Path = MIGRATIONS) -> Ahead | None:
    """Migrate to `revision`; or, when a newer release already migrated the database past these
    files' head (a rollback), change nothing and return what `Ahead` says about it.

    Raises `lineage.LineageError` for a database at a revision these files cannot place.
    """
    os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "local")
    os.environ.setdefault("FUNCTION_NAME", "migrate")
    config = alembic_config(url, migrations)
    command.upgrade(config, revision)
    ahead: Ahead | None = config.attributes.get("ahead")
    return ahead
