"""The migration job (called by the deploy before a release takes traffic, never scheduled or routed).

It applies the Alembic migrations, then gives each function's database user exactly the
table rights its function needs (DB_RUNTIME_USERS, from Terraform; terraform/README.md,
"Database rights"), and answers 200. Migrations are expand-only during a release, so the
revisions users are on keep working on the new schema, which is what makes rolling
functions back safe: a rolled-back release's job finds the database ahead of its files,
says so, and changes nothing (not even the grants, which the newer release set).
"""

from typing import Any

from wellness.platform.errors import ConflictError
from wellness.platform.http import job
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")


@job(runtime)
def handler() -> dict[str, Any]:
    # Alembic is imported when a release runs, not at cold start.
    from wellness.migrations import upgrade
    from wellness.migrations.grants import grant_runtime_users
    from wellness.migrations.lineage import LineageError

    try:
        ahead = upgrade()
    except LineageError as error:
        raise ConflictError("database_not_descendant", str(error)) from error
    if ahead is not None:
        return {"migratedTo": None, "ahead": ahead.describe(), "database": list(ahead.database)}
    return {"migratedTo": "head", **grant_runtime_users(runtime.engine, runtime.env)}
