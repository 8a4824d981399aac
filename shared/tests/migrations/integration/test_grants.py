"""The grants on real PostgreSQL, set up as Cloud SQL is: each role can do what its function needs, nothing else.

A fresh database gets terraform/README.md's bootstrap SQL, a migration user that is no superuser
and one login role per Postgres function, named and described (DB_RUNTIME_USERS) as Terraform
does. `python -m wellness.migrations` migrates it as the migration user, as the job does; each
test then starts from the catalog's grants and checks, as the roles themselves, what they can do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from wellness.migrations.grants import GrantError, grant_runtime_users, reconcile, runtime_users
from wellness.migrations.schema import table_owners
from wellness.platform.postgres.outbox import relay
from wellness.platform.postgres.unit_of_work import PostgresTransaction, PostgresUnitOfWork
from wellness_testing.factories import user_created
from wellness_testing.fakes import FakePublisher

pytestmark = pytest.mark.integration

INSUFFICIENT_PRIVILEGE = "42501"


def migrate(url: str, runtime_users_json: str | None = None) -> None:
    """python -m wellness.migrations as the given user, with DB_RUNTIME_USERS when given."""
    env = {k: v for k, v in os.environ.items() if k != "DB_RUNTIME_USERS"}
    env.update(DATABASE_URL=url, GOOGLE_CLOUD_PROJECT="wellness-test", FUNCTION_NAME="db-migrate")
    if runtime_users_json is not None:
        env["DB_RUNTIME_USERS"] = runtime_users_json
    result = subprocess.run(
        [sys.executable, "-m", "wellness.migrations"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def db(cloud_database: Callable[[], Any]) -> Any:
    database = cloud_database()
    migrate(database.url(database.migrator))
    return database


@pytest.fixture(scope="module")
def engines(db: Any) -> Iterator[Callable[[str], Engine]]:
    """engines(user): an engine that logs in as that role (one per role for the module)."""
    made: dict[str, Engine] = {}

    def engine(user: str) -> Engine:
        if user not in made:
            made[user] = create_engine(db.url(user), pool_size=1)
        return made[user]

    yield engine
    for each in made.values():
        each.dispose()


@pytest.fixture
def catalog_grants(db: Any, engines: Callable[[str], Engine]) -> list[str]:
    """Every test starts from the grants the catalog's functions get; the statements that took."""
    with engines(db.migrator).begin() as conn:
        return reconcile(conn, runtime_users(json.dumps(db.runtime_users)))


def refused(engine: Engine, statement: str) -> str | None:
    """Why the role may not run the statement (None when it may); run in a transaction rolled back."""
    with engine.connect() as conn:
        try:
            conn.execute(text(statement))
            return None
        except ProgrammingError as exc:
            error = exc.orig.args[0] if exc.orig is not None and exc.orig.args else {}
            if isinstance(error, dict) and error.get("C") == INSUFFICIENT_PRIVILEGE:
                return str(error.get("M"))
            raise
        finally:
            conn.rollback()


def can(engine: Engine, statement: str) -> bool:
    return refused(engine, statement) is None


def acl(conn: Connection) -> list[tuple[str, str, str]]:
    """Every right anyone but the owner holds on the schema's relations, and the schema's own."""
    rows = conn.execute(
        text(
            """
            SELECT COALESCE(r.rolname, 'PUBLIC'), c.relname, a.privilege_type
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = 'public' AND a.grantee <> c.relowner
            UNION ALL
            SELECT COALESCE(r.rolname, 'PUBLIC'), 'schema public', a.privilege_type
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = 'public' AND a.grantee <> a.grantor
            ORDER BY 1, 2, 3
            """
        )
    ).all()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


MATRIX = [
    # (function, statement, allowed)
    ("program-tasks-mine", "SELECT * FROM program_tasks", True),
    ("program-tasks-mine", "SELECT * FROM program_enrollments", True),
    ("program-tasks-mine", "INSERT INTO program_users VALUES (gen_random_uuid(), 'UTC', now())", False),
    ("program-tasks-mine", "UPDATE program_enrollments SET started_on = started_on", False),
    ("program-tasks-mine", "DELETE FROM program_completions", False),
    ("program-tasks-mine", "SELECT * FROM auth_users", False),
    ("program-tasks-mine", "SELECT * FROM outbox", False),
    ("program-enroll", "INSERT INTO program_users VALUES (gen_random_uuid(), 'UTC', now())", True),
    ("program-enroll", "UPDATE program_enrollments SET started_on = started_on", True),
    ("program-enroll", "DELETE FROM program_enrollments", True),
    ("program-enroll", "SELECT * FROM reporting_users", False),
    ("program-enroll", "SELECT * FROM processed_events", False),
    ("program-enroll", "INSERT INTO outbox (id, topic, payload) VALUES (gen_random_uuid(), 't', '{}')", False),
    ("program-complete-task", "INSERT INTO outbox (id, topic, payload) VALUES (gen_random_uuid(), 't', '{}')", True),
    ("program-complete-task", "SELECT id FROM outbox WHERE published_at IS NULL FOR UPDATE SKIP LOCKED", True),
    ("program-complete-task", "UPDATE outbox SET published_at = now() WHERE false", True),
    ("program-complete-task", "DELETE FROM outbox", False),
    ("reporting-on-task-completed", "DELETE FROM reporting_completions", True),
    (
        "reporting-on-task-completed",
        "INSERT INTO processed_events (consumer, event_id) VALUES ('c', gen_random_uuid()) "
        "ON CONFLICT DO NOTHING RETURNING event_id",
        True,
    ),
    ("reporting-on-task-completed", "DELETE FROM processed_events", False),
    ("reporting-on-task-completed", "DELETE FROM erased_users", False),
    ("reporting-on-task-completed", "UPDATE idempotency_keys SET body = '' WHERE false", False),
    ("program-enroll", "SELECT * FROM erased_users", False),
    ("reporting-on-task-completed", "SELECT * FROM program_tasks", False),
    ("reporting-on-task-completed", "SELECT * FROM outbox", False),
    ("reporting-summary", "SELECT * FROM reporting_completions", True),
    ("reporting-summary", "DELETE FROM reporting_completions", False),
    ("notifications-on-user-created", "DELETE FROM notifications_sent_mail", True),
    ("notifications-on-user-created", "SELECT * FROM auth_users", False),
    ("auth-login", "UPDATE auth_login_throttle SET failures = failures WHERE false", True),
    ("auth-login", "SELECT * FROM program_users", False),
    ("outbox-relay", "SELECT id FROM outbox WHERE published_at IS NULL FOR UPDATE SKIP LOCKED", True),
    ("outbox-relay", "UPDATE outbox SET attempts = attempts + 1 WHERE false", True),
    ("outbox-relay", "INSERT INTO outbox (id, topic, payload) VALUES (gen_random_uuid(), 't', '{}')", False),
    ("outbox-relay", "SELECT * FROM processed_events", False),
    ("outbox-relay", "SELECT * FROM auth_users", False),
    ("auth-signup", "SELECT * FROM alembic_version", False),
    ("auth-export-me", "SELECT * FROM program_completions", True),  # its catalog entry `reads` program
    ("auth-export-me", "SELECT * FROM notifications_sent_mail", True),
    ("auth-export-me", "DELETE FROM program_completions", False),
    ("auth-export-me", "UPDATE auth_users SET timezone = timezone WHERE false", False),
    ("auth-export-me", "SELECT * FROM idempotency_keys", False),
    ("auth-export-me", "SELECT * FROM outbox", False),
]


@pytest.mark.parametrize(("function", "statement", "allowed"), MATRIX, ids=[f"{f}: {s[:40]}" for f, s, _ in MATRIX])
def test_a_role_can_do_what_its_function_needs_and_nothing_else(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str], function: str, statement: str, allowed: bool
) -> None:
    assert can(engines(db.user_of(function)), statement) is allowed


def test_the_platform_s_own_code_runs_under_the_roles(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    # A publisher writes its event in the use case's transaction, then publishes it promptly.
    published = FakePublisher()
    publisher = engines(db.user_of("auth-signup"))
    event = user_created()

    def publish_promptly(ids: list[str]) -> None:  # what Runtime.postgres_unit_of_work does after commit
        relay(publisher, published, timeout=5, ids=ids)

    PostgresUnitOfWork(publisher, PostgresTransaction, after_commit=publish_promptly).run(
        lambda store: store.outbox.add(event)
    )
    assert [m[2]["eventId"] for m in published.messages] == [event.id]
    # The relay publishes what is left; a subscriber records its deliveries once.
    leftover = user_created()
    PostgresUnitOfWork(publisher, PostgresTransaction).run(lambda store: store.outbox.add(leftover))
    assert relay(engines(db.user_of("outbox-relay")), published, timeout=5).published >= 1
    subscriber = PostgresUnitOfWork(engines(db.user_of("program-on-user-created")), PostgresTransaction)
    assert subscriber.run(lambda store: store.first_delivery("program", event.id)) is True
    assert subscriber.run(lambda store: store.first_delivery("program", event.id)) is False
    # Every subscriber checks the erased users' tombstones; user.deleted writes one and erases the stored answers.
    assert subscriber.run(lambda store: store.tombstoned(event.user_id)) is False
    subscriber.run(lambda store: store.tombstone(event.user_id))
    assert subscriber.run(lambda store: store.tombstoned(event.user_id)) is True


def test_the_account_s_export_reads_every_postgres_domain_under_its_own_role(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    from wellness.auth.adapters import PostgresAuthStore
    from wellness.notifications.adapters import PostgresNotificationsStore
    from wellness.program.adapters import PostgresProgramStore
    from wellness.reporting.adapters import PostgresReportingStore

    exporter, user_id = engines(db.user_of("auth-export-me")), str(uuid.uuid4())
    parts = [
        PostgresUnitOfWork(exporter, store).read(lambda s: s.export_user(user_id, 10))  # type: ignore[attr-defined]
        for store in (PostgresAuthStore, PostgresProgramStore, PostgresReportingStore, PostgresNotificationsStore)
    ]
    assert parts[0] == {"account": None, "sessions": [], "passwordResets": [], "emailVerifications": []}
    assert [sorted(part) for part in parts[1:]] == [
        ["completions", "enrollments", "timezone"],
        ["completions", "reflections", "timezone"],
        ["sentMail"],
    ]


def test_a_role_the_job_was_not_told_about_cannot_even_see_the_schema(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    stranger = f"stranger-{uuid.uuid4().hex[:8]}"
    admin = create_engine(db.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{stranger}" LOGIN'))
    try:
        stranger_engine = create_engine(db.url(stranger))
        denied = refused(stranger_engine, "SELECT * FROM public.program_programs")
        assert denied == "permission denied for schema public"
        stranger_engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE "{stranger}"'))
        admin.dispose()


def test_running_the_grants_twice_changes_nothing(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    users = runtime_users(json.dumps(db.runtime_users))
    with engines(db.migrator).begin() as conn:
        before = acl(conn)
        assert reconcile(conn, users) == []
        assert acl(conn) == before
    assert before, "the catalog's grants are in place"


def test_a_function_removed_from_the_list_loses_every_right(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    removed = db.user_of("program-enroll")
    remaining = {user: entry for user, entry in db.runtime_users.items() if user != removed}
    with engines(db.migrator).begin() as conn:
        statements = reconcile(conn, runtime_users(json.dumps(remaining)))
        assert not [row for row in acl(conn) if row[0] == removed]
    assert statements and all(s.startswith("REVOKE") for s in statements)
    assert refused(engines(removed), "SELECT * FROM public.program_programs") == "permission denied for schema public"
    assert can(engines(db.user_of("program-unenroll")), "DELETE FROM program_enrollments")


def test_a_function_that_became_a_reader_loses_its_writes(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    user = db.user_of("program-enroll")
    changed = {**db.runtime_users, user: {**db.runtime_users[user], "route": "GET /v1/programs/{programId}"}}
    with engines(db.migrator).begin() as conn:
        reconcile(conn, runtime_users(json.dumps(changed)))
    assert can(engines(user), "SELECT * FROM program_enrollments")
    assert not can(engines(user), "DELETE FROM program_enrollments")


def test_rights_granted_by_hand_are_taken_back(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    reader = db.user_of("program-tasks-mine")
    with engines(db.migrator).begin() as conn:
        conn.execute(text(f'GRANT SELECT ON auth_users TO "{reader}"'))
        conn.execute(text("GRANT SELECT ON program_programs TO PUBLIC"))
    assert can(engines(reader), "SELECT * FROM auth_users")
    with engines(db.migrator).begin() as conn:
        statements = reconcile(conn, runtime_users(json.dumps(db.runtime_users)))
    assert sorted(statements) == [
        f'REVOKE SELECT ON TABLE auth_users FROM "{reader}"',  # noqa: S608 - the expected statement, not a query
        "REVOKE SELECT ON TABLE program_programs FROM PUBLIC",
    ]
    assert not can(engines(reader), "SELECT * FROM auth_users")


def test_a_writer_gets_its_tables_sequences_and_a_reader_does_not(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    migrator = engines(db.migrator)
    with migrator.begin() as conn:
        conn.execute(text("CREATE TABLE program_notes (id serial PRIMARY KEY, note text NOT NULL)"))
    owners = {**table_owners(), "program_notes": "program"}
    users = runtime_users(json.dumps(db.runtime_users))
    try:
        with migrator.begin() as conn:
            statements = reconcile(conn, users, owners)
        writer, reader = engines(db.user_of("program-enroll")), engines(db.user_of("program-tasks-mine"))
        assert f'GRANT SELECT, USAGE ON SEQUENCE program_notes_id_seq TO "{db.user_of("program-enroll")}"' in statements
        assert can(writer, "INSERT INTO program_notes (note) VALUES ('x')")  # nextval: the sequence's USAGE
        assert can(reader, "SELECT * FROM program_notes")
        assert not can(reader, "SELECT nextval('program_notes_id_seq')")
    finally:
        with migrator.begin() as conn:
            conn.execute(text("DROP TABLE program_notes"))


def test_functions_a_migration_creates_are_nobody_else_s_by_default(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    migrator = engines(db.migrator)
    with migrator.begin() as conn:
        conn.execute(text("CREATE FUNCTION public.probe() RETURNS int LANGUAGE sql AS 'SELECT 1'"))
    try:
        assert can(migrator, "SELECT public.probe()")
        assert not can(engines(db.user_of("program-enroll")), "SELECT public.probe()")
    finally:
        with migrator.begin() as conn:
            conn.execute(text("DROP FUNCTION public.probe()"))


def test_a_user_that_does_not_exist_fails_the_job_and_changes_nothing(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    remaining = {u: e for u, e in db.runtime_users.items() if e["function"] != "program-enroll"}
    ghost = {**remaining, "fn-ghost@nowhere.iam": {**db.runtime_users[db.user_of("program-get")], "function": "ghost"}}
    migrator = engines(db.migrator)
    with migrator.connect() as conn:
        before = acl(conn)
    with pytest.raises(GrantError, match="fn-ghost@nowhere.iam"):
        grant_runtime_users(migrator, {"DB_RUNTIME_USERS": json.dumps(ghost)})
    with migrator.connect() as conn:
        assert acl(conn) == before


def test_without_db_runtime_users_nothing_changes(
    db: Any, engines: Callable[[str], Engine], catalog_grants: list[str]
) -> None:
    migrator = engines(db.migrator)
    with migrator.connect() as conn:
        before = acl(conn)
    assert grant_runtime_users(migrator, {}) == {"grants": "skipped"}
    with migrator.connect() as conn:
        assert acl(conn) == before


def test_migrating_without_db_runtime_users_grants_nothing(cloud_database: Callable[[], Any]) -> None:
    fresh = cloud_database()
    migrate(fresh.url(fresh.migrator))
    reader = create_engine(fresh.url(fresh.user_of("program-list")))
    assert refused(reader, "SELECT * FROM public.program_programs") == "permission denied for schema public"
    reader.dispose()


def test_migrating_with_db_runtime_users_grants_as_the_job_does(cloud_database: Callable[[], Any]) -> None:
    fresh = cloud_database()
    migrate(fresh.url(fresh.migrator), json.dumps(fresh.runtime_users))
    reader = create_engine(fresh.url(fresh.user_of("program-list")))
    assert can(reader, "SELECT * FROM program_programs")
    assert not can(reader, "DELETE FROM program_programs")
    reader.dispose()
