"""The database bootstrap, run by every release before its migration job (a no-op once done).

IAM database users start with no privileges, and PostgreSQL 15+ gives nobody CREATE on
`public`. Only the built-in `postgres` user (a `cloudsqlsuperuser`) can give the migration job's
user the schema, so the deploy, as the deployer (roles/cloudsql.admin):

1. sets `postgres`' password to a fresh random one, through the Cloud SQL Admin API
   (`users.update`), held only in this process's memory: nobody ever sees or keeps it;
2. connects as `postgres` through the Cloud SQL Python connector (IAM-checked TLS, no
   authorised network) and runs `statements()` in one transaction: the migration job's user may
   connect, create tables and pass on USAGE of `public`; `public` is taken from PUBLIC.

Every statement is idempotent, so every release runs it. terraform/README.md, "Database rights",
says what the migration job does with these rights; the grant tests run exactly these statements
on real PostgreSQL (conftest.py, `cloud_database`).

    scripts/db-bootstrap --outputs candidate.json        # `terraform output -json` of the release
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SUPERUSER = "postgres"  # Cloud SQL creates it with every PostgreSQL instance
# The deploy rehearsal's stand-ins (scripts/rehearse-deploy) replace Google: GOOGLE_APIS_ENDPOINT the
# Admin API (as for build_image.py), CLOUD_SQL_STANDIN (host:port) the connector's route to the instance.
_STANDIN = os.environ.get("GOOGLE_APIS_ENDPOINT", "").rstrip("/")
ADMIN_API = f"{_STANDIN}/sql/v1" if _STANDIN else "https://sqladmin.googleapis.com/v1"
_USER = re.compile(r"[a-z][a-z0-9-]{0,29}@[a-z][a-z0-9-]*\.iam")  # an IAM service-account database user
_DATABASE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def statements(database: str, migrate_user: str) -> list[str]:
    """The bootstrap SQL for a database and the migration job's user (names checked, then quoted).

    >>> statements("wellness", "fn-db-migrate@wellness-qa.iam")[0]
    'GRANT CONNECT, CREATE ON DATABASE wellness TO "fn-db-migrate@wellness-qa.iam"'
    """
    if not _DATABASE.fullmatch(database):
        raise ValueError(f"not a database name: {database!r}")
    if not _USER.fullmatch(migrate_user):
        raise ValueError(f"not an IAM database user: {migrate_user!r}")
    return [
        f'GRANT CONNECT, CREATE ON DATABASE {database} TO "{migrate_user}"',
        f'GRANT CREATE ON SCHEMA public TO "{migrate_user}"',
        f'GRANT USAGE ON SCHEMA public TO "{migrate_user}" WITH GRANT OPTION',
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
    ]


def run_statements(connection: Any, sql: Sequence[str]) -> None:
    """Run the statements in one transaction on a DB-API connection (committed, or nothing)."""
    cursor = connection.cursor()
    try:
        for statement in sql:
            cursor.execute(statement)
        connection.commit()
    except Exception:
        connection.rollback()
        raise


def set_password(session: Any, project: str, instance: str, password: str, poll_seconds: float = 2.0) -> None:
    """users.update of `postgres` (Cloud SQL Admin API v1), waiting for its operation to finish."""
    url = f"{ADMIN_API}/projects/{project}/instances/{instance}/users"
    response = session.put(url, params={"name": SUPERUSER}, json={"name": SUPERUSER, "password": password})
    response.raise_for_status()
    operation = response.json()
    for _ in range(150):  # users.update takes seconds; give up after ~5 minutes
        if operation.get("status") == "DONE":
            if operation.get("error"):
                raise RuntimeError(f"setting the {SUPERUSER} password failed: {operation['error']}")
            return
        time.sleep(poll_seconds)
        polled = session.get(f"{ADMIN_API}/projects/{project}/operations/{operation['name']}")
        polled.raise_for_status()
        operation = polled.json()
    raise TimeoutError(f"the Cloud SQL operation {operation.get('name')} did not finish")


def bootstrap(
    outputs: dict[str, Any],
    session: Any,
    connect: Callable[[str, str, str, str], Any],
) -> list[str]:
    """Bootstrap the database named by the release's Terraform outputs; the statements run."""
    target = outputs["db_bootstrap"]["value"]
    project, region, instance = target["connection_name"].split(":")
    sql = statements(target["database"], target["migrate_user"])
    password = secrets.token_urlsafe(32)
    set_password(session, project, instance, password)
    connection = connect(target["connection_name"], SUPERUSER, password, target["database"])
    try:
        run_statements(connection, sql)
    finally:
        connection.close()
    return sql


def _session() -> Any:  # pragma: no cover - the cloud path
    if _STANDIN:
        import subprocess

        import requests

        token = subprocess.run(["gcloud", "auth", "print-access-token"], check=True, capture_output=True, text=True)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token.stdout.strip()}"
        return session
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return AuthorizedSession(credentials)  # type: ignore[no-untyped-call]


def _connector() -> tuple[Callable[[str, str, str, str], Any], Callable[[], None]]:  # pragma: no cover
    standin = os.environ.get("CLOUD_SQL_STANDIN")
    if standin:
        import pg8000.dbapi

        host, port = standin.rsplit(":", 1)

        def direct(name: str, user: str, password: str, database: str) -> Any:
            return pg8000.dbapi.connect(user=user, password=password, host=host, port=int(port), database=database)

        return direct, lambda: None
    from google.cloud.sql.connector import Connector

    connector = Connector()

    def connect(name: str, user: str, password: str, database: str) -> Any:
        return connector.connect(name, "pg8000", user=user, password=password, db=database)

    return connect, connector.close


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - argument plumbing
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=Path, required=True, help="`terraform output -json` of the release")
    args = parser.parse_args(argv)
    connect, close = _connector()
    try:
        sql = bootstrap(json.loads(args.outputs.read_text()), _session(), connect)
    finally:
        close()
    print(f"db-bootstrap: {len(sql)} idempotent statements as {SUPERUSER} (its password is already forgotten)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
