"""The migration job (deployed by Terraform, not routed): apply Alembic migrations, then answer 200.

The deploy workflow calls it, with an identity token, before the new functions are
deployed, so the schema is ready before they take traffic. Migrations are
expand-then-contract: the old functions keep working on the new schema, which is what
makes rolling functions back safe.
"""

from wellness.platform.http import job
from wellness.migrations import upgrade
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")


@job(runtime)
def handler() -> dict[str, str]:
    upgrade()
    return {"migratedTo": "head"}
