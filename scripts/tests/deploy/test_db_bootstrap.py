"""The release's database bootstrap: the migration job's user gets the schema, nobody keeps a password.

Integration: the statements run by `bootstrap()` on real PostgreSQL, as the superuser, then
checked as the roles themselves. The Cloud SQL Admin API (users.update) is a recorded stand-in:
what matters here is what is asked of it (a fresh password each time, for `postgres` only).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from devstack.deploy import db_bootstrap

pytestmark = pytest.mark.integration


class AdminApi:
    """users.update answers a pending operation, done on the first poll."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []

    def put(self, url: str, params: dict[str, str], json: dict[str, str]) -> Any:
        self.calls.append(("PUT", url, {"params": params, "json": json}))
        return Answer({"name": "op-1", "status": "PENDING"})

    def get(self, url: str) -> Any:
        self.calls.append(("GET", url, None))
        return Answer({"name": "op-1", "status": "DONE"})


class Answer:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def raise_for_status(self) -> None:
        pass

    def json(self) -> dict[str, Any]:
        return self.body


@pytest.fixture
def fresh(postgres_url: str) -> Iterator[dict[str, str]]:
    """A database as Cloud SQL leaves it: the migration user and one other login role, no rights."""
    cluster = make_url(postgres_url)
    name = f"boot_{uuid.uuid4().hex[:8]}"
    roles = {
        "migrator": f"fn-db-migrate@{name.replace('_', '-')}.iam",
        "other": f"fn-other@{name.replace('_', '-')}.iam",
    }
    admin = create_engine(cluster, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for role in roles.values():
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield {"url": cluster.set(database=name).render_as_string(hide_password=False), "database": name, **roles}
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        for role in roles.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def superuser_connect(url: str, seen: list[tuple[str, str, str]]) -> Any:
    """connect() as the connector is called; here, the local superuser (trust auth: the password is not needed)."""
    target = make_url(url)

    def connect(name: str, user: str, password: str, database: str) -> Any:
        seen.append((name, user, password))
        return pg8000.dbapi.connect(
            user=target.username, host=target.host, port=target.port, database=database, password=target.password
        )

    return connect


def refused(url: str, user: str, statement: str) -> bool:
    engine = create_engine(make_url(url).set(username=user, password=None))
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
            conn.rollback()
        return False
    except ProgrammingError:
        return True
    finally:
        engine.dispose()


def test_the_migration_user_gets_the_schema_and_nobody_else_does(fresh: dict[str, str]) -> None:
    outputs = {
        "db_bootstrap": {
            "value": {
                "connection_name": "wellness-qa:europe-west1:wellness-qa-20261207175231",
                "database": fresh["database"],
                "migrate_user": fresh["migrator"],
            }
        }
    }
    api, seen = AdminApi(), list[tuple[str, str, str]]()
    for _ in range(2):  # every release runs it: the second run changes nothing and fails nothing
        sql = db_bootstrap.bootstrap(outputs, api, superuser_connect(fresh["url"], seen))
    assert sql == db_bootstrap.statements(fresh["database"], fresh["migrator"])
    # A fresh password for `postgres` each time, only ever in memory, and it is the one used to connect.
    puts = [call for call in api.calls if call[0] == "PUT"]
    assert [p[2]["params"] for p in puts] == [{"name": "postgres"}] * 2
    assert puts[0][1].endswith("/projects/wellness-qa/instances/wellness-qa-20261207175231/users")
    passwords = [p[2]["json"]["password"] for p in puts]
    assert passwords[0] != passwords[1] and all(len(p) >= 32 for p in passwords)
    assert [s[2] for s in seen] == passwords and {s[1] for s in seen} == {"postgres"}
    # As the roles themselves: the migration user creates tables and may pass USAGE on; nobody else may.
    assert not refused(fresh["url"], fresh["migrator"], "CREATE TABLE public.probe (id int)")
    assert not refused(fresh["url"], fresh["migrator"], f'GRANT USAGE ON SCHEMA public TO "{fresh["other"]}"; ROLLBACK')
    assert refused(fresh["url"], fresh["other"], "CREATE TABLE public.probe2 (id int)")


@pytest.mark.parametrize(
    ("database", "user"),
    [("wellness; DROP", "fn-db-migrate@p.iam"), ("wellness", 'x" SUPERUSER'), ("wellness", "postgres")],
)
def test_names_are_checked_before_they_reach_sql(database: str, user: str) -> None:
    with pytest.raises(ValueError):
        db_bootstrap.statements(database, user)


def test_a_failed_password_change_stops_before_connecting() -> None:
    class Failing(AdminApi):
        def get(self, url: str) -> Any:
            return Answer({"name": "op-1", "status": "DONE", "error": {"errors": [{"code": "NOT_AUTHORIZED"}]}})

    def connect(*_: str) -> Any:
        raise AssertionError("connected although the password was not set")

    outputs = {
        "db_bootstrap": {
            "value": {"connection_name": "p:r:i", "database": "wellness", "migrate_user": "fn-db-migrate@p.iam"}
        }
    }
    with pytest.raises(RuntimeError, match="NOT_AUTHORIZED"):
        db_bootstrap.bootstrap(outputs, Failing(), connect)
