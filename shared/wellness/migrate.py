"""Apply the Alembic migrations: `python -m wellness.migrate [revision]` (default head).

Reads the database from the same settings the functions use (DATABASE_URL locally,
CLOUD_SQL_INSTANCE in the cloud, where it runs as a job before new functions take
traffic).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "db" / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate to `revision`. >>> upgrade("postgresql+pg8000://postgres@127.0.0.1:5432/wellness")  # doctest: +SKIP"""
    os.environ.setdefault("GOOGLE_CLOUD_PROJECT", "local")
    os.environ.setdefault("FUNCTION_NAME", "migrate")
    command.upgrade(alembic_config(url), revision)


if __name__ == "__main__":
    upgrade(revision=sys.argv[1] if len(sys.argv) > 1 else "head")
    print("migrations applied", file=sys.stderr)
