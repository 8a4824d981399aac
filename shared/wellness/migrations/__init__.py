"""The database schema of every Postgres domain, as Alembic migrations (`python -m wellness.migrations`).

Migrations are expand-only during a release: the revision users are on keeps working
on the new schema, which is what makes rolling functions back safe. After them, the
migration job gives each function's database user exactly its table rights (`grants`).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent
# Alembic loads these by path, not by import: packaging ships them in the migration job's bundle.
BUNDLE_DATA = ("env.py", "script.py.mako", "versions/*.py")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate to `revision`.

    >>> upgrade("postgresql+pg8000://postgres@127.0.0.1:5432/wellness")  # doctest: +SKIP
    """
    os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "local")
    os.environ.setdefault("FUNCTION_NAME", "migrate")
    command.upgrade(alembic_config(url), revision)
