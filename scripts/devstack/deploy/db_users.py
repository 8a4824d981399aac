"""DB_RUNTIME_USERS as Terraform derives it from the catalog (terraform/modules/wellness/catalog.tf).

The migration job grants each of these database users its function's table rights
(wellness.migrations.grants). The tests build the same object to check those grants on real
PostgreSQL, and tests/deploy/test_terraform.py checks that Terraform describes each user with
these fields.

    >>> users = db_runtime_users("wellness-qa")
    >>> users["fn-program-tasks-mine@wellness-qa.iam"]["route"]
    'GET /v1/me/tasks'
    >>> users["fn-outbox-relay@wellness-qa.iam"]["publishes"]
    True
    >>> users["fn-auth-export-me@wellness-qa.iam"]["reads"]
    ['program', 'reporting', 'notifications']
"""

from __future__ import annotations

from typing import Any

from devstack.catalog import load_catalog

FIELDS = ("function", "domain", "kind", "route", "publishes", "reads")


def db_user(function: str, project: str) -> str:
    """A function's Cloud SQL IAM user: its service account's id (30 characters at most) @ project.iam."""
    return f"{f'fn-{function}'[:30]}@{project}.iam"


def db_runtime_users(project: str) -> dict[str, dict[str, Any]]:
    """{user: {function, domain, kind, route, publishes, reads}} for every Postgres function but the release job."""
    return {
        db_user(fn.name, project): {
            "function": fn.name,
            "domain": fn.domain,
            "kind": fn.kind,
            "route": fn.route,
            "publishes": "pubsub" in fn.stores,
            "reads": list(fn.reads),
        }
        for fn in load_catalog().functions
        if "postgres" in fn.stores and not fn.release_job
    }
