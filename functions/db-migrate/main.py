"""The migration job (called by the deploy before a release takes traffic, never scheduled or routed).

It applies the Alembic migrations and answers 200. Migrations are expand-only during a
release, so the revisions users are on keep working on the new schema, which is what
makes rolling functions back safe.
"""

from wellness.platform.http import job
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")


@job(runtime)
def handler() -> dict[str, str]:
    from wellness.migrations import upgrade  # Alembic is imported when a release runs, not at cold start

    upgrade()
    return {"migratedTo": "head"}
