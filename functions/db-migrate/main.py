"""The migration job (called by the deploy before a release takes traffic, never scheduled or routed).

It applies the Alembic migrations, then gives each function's database user exactly the
table rights its function needs (DB_RUNTIME_USERS, from Terraform; terraform/README.md,
"Database rights"), and answers 200. Migrations are expand-only during a release, so the
revisions users are on keep working on the new schema, which is what makes rolling
functions back safe.
"""

from typing import Any

from wellness.platform.http import job
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")


@job(runtime)
def handler() -> dict[str, Any]:
    # Alembic is imported when a release runs, not at cold start.
    from wellness.migrations import upgrade
    from wellness.migrations.grants import grant_runtime_users

    upgrade()
    return {"migratedTo": "head", **grant_runtime_users(runtime.engine, runtime.env)}
