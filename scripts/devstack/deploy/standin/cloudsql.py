"""The stand-in Cloud SQL for PostgreSQL instance: a local PostgreSQL cluster with Cloud SQL's users.

What the release's database steps meet in a new environment, made here:
- the built-in `postgres` user exists without a password anyone knows, and logs in only with
  one (scram-sha-256); the deploy sets a fresh one through the Admin API's `users.update`
  (`set_password`, served by `apis.py`) and connects with it (scripts/db-bootstrap);
- the databases and the IAM service-account users Terraform created (`google_sql_database`,
  `google_sql_user` of type CLOUD_IAM_SERVICE_ACCOUNT) exist, the users with no rights at all
  (cloud.google.com/sql/docs/postgres/iam-logins: "IAM users ... have no database privileges
  by default"); `sync` creates them from Terraform's state. Their logins are trusted here,
  standing for Cloud SQL's IAM token check;
- the control plane's own superuser (Cloud SQL's `cloudsqladmin`, which customers never use)
  is how the stand-in changes passwords and creates users.

Not modelled: `postgres` is a real superuser here (Cloud SQL's is a `cloudsqlsuperuser`
without SUPERUSER), so a grant only a superuser may give would pass here and fail there.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pg8000.native import identifier, literal

from devstack.stack.postgres import PostgresCluster
from devstack.stack.procs import LOCALHOST, free_port

CONTROL_PLANE = "cloudsqladmin"
SUPERUSER = "postgres"
# Order matters: the first matching line decides (postgresql.org/docs/16/auth-pg-hba-conf.html).
PG_HBA = f"""\
host all {CONTROL_PLANE} {LOCALHOST}/32 trust
host all {SUPERUSER} {LOCALHOST}/32 scram-sha-256
host all all {LOCALHOST}/32 trust
"""


class Instance:
    """One stand-in instance (all the environment's Cloud SQL in one cluster); `with` starts and removes it."""

    def __init__(self, state_dir: Path | None = None) -> None:
        self._state_dir = state_dir or Path(tempfile.mkdtemp(prefix="standin-cloudsql-"))
        self.cluster = PostgresCluster(self._state_dir, database="postgres")

    @property
    def address(self) -> str:
        return f"{LOCALHOST}:{self.cluster.port}"

    def __enter__(self) -> Instance:
        # Always a new instance: what a run killed before its __exit__ left on this folder (its
        # postmaster, a cluster whose postgres logs in with no password) would be adopted by start.
        self.cluster.stop()
        self.cluster.remove()
        self.cluster.start(free_port())
        try:
            with self._as(SUPERUSER) as conn:  # the cluster's trust login, once, before the rules below
                conn.run(f"CREATE ROLE {CONTROL_PLANE} SUPERUSER LOGIN")
                conn.run(f"ALTER ROLE {SUPERUSER} PASSWORD NULL")  # nobody's; the deploy sets one
            (self.cluster.data_dir / "pg_hba.conf").write_text(PG_HBA)
            with self._as(CONTROL_PLANE) as conn:
                conn.run("SELECT pg_reload_conf()")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cluster.stop()
        self.cluster.remove()

    @contextlib.contextmanager
    def _as(self, user: str, database: str = "postgres") -> Iterator[Any]:
        import pg8000.native

        conn = pg8000.native.Connection(user, host=LOCALHOST, port=self.cluster.port, database=database)
        try:
            yield conn
        finally:
            conn.close()

    def set_password(self, user: str, password: str) -> None:
        """users.update: the user's new password (nothing else changes)."""
        with self._as(CONTROL_PLANE) as conn:
            conn.run(f"ALTER ROLE {identifier(user)} PASSWORD {literal(password)}")

    def sync(self, state: dict[str, Any]) -> list[str]:
        """Create the databases and IAM users in Terraform's state (`terraform state pull`) not here yet."""
        made: list[str] = []
        with self._as(CONTROL_PLANE) as conn:
            roles = {row[0] for row in conn.run("SELECT rolname FROM pg_roles")}
            databases = {row[0] for row in conn.run("SELECT datname FROM pg_database")}
            for resource, values in _instances(state):
                if resource == "google_sql_database" and values["name"] not in databases:
                    conn.run(f"CREATE DATABASE {identifier(values['name'])}")
                    made.append(f"database {values['name']}")
                elif (
                    resource == "google_sql_user"
                    and values.get("type") == "CLOUD_IAM_SERVICE_ACCOUNT"
                    and values["name"] not in roles
                ):
                    conn.run(f"CREATE ROLE {identifier(values['name'])} LOGIN")
                    made.append(f"user {values['name']}")
        return made

    def url(self, user: str, database: str) -> str:
        """A SQLAlchemy URL that logs an IAM user in (trusted here, as Cloud SQL trusts its token)."""
        from sqlalchemy.engine import URL

        rendered: str = URL.create(
            "postgresql+pg8000", username=user, host=LOCALHOST, port=self.cluster.port, database=database
        ).render_as_string(hide_password=False)
        return rendered


def _instances(state: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, attributes) of every managed resource instance in a state file (format version 4)."""
    for resource in state.get("resources", []):
        if resource.get("mode") == "managed":
            for instance in resource.get("instances", []):
                yield resource["type"], instance["attributes"]
