"""db-migrate, loaded as deployed, on a database set up as Cloud SQL's is; then every function runs under its grants.

The database gets terraform/README.md's bootstrap; the job runs as the migration user (no
superuser) with DB_RUNTIME_USERS as Terraform derives it. Then each Postgres function of the
catalog is loaded with its own database user, the one Terraform gives it, and walks the user
journey: a right the grants forgot is a failed request here, not in production.
"""

import datetime as dt
import json
import uuid

import jwt
import pytest
from sqlalchemy import create_engine, text

from devstack.catalog import load_catalog
from devstack.stack.pubsub_setup import setup_topology
from wellness.auth.reset_tokens import reset_token, verification_token
from wellness.platform.clock import timestamp
from wellness.platform.identity import userinfo_header
from wellness.platform.subscriber import push_request
from wellness_testing.factories import (
    as_user,
    email_verification_requested,
    password_reset_requested,
    password_reset_submitted,
    profile_updated,
    reflection_logged,
    task_completed,
    user_created,
    user_deleted,
)

pytestmark = pytest.mark.functional

RESET_KEY = b"test-password-reset-key"  # conftest's SECRET_PASSWORD_RESET_KEY


@pytest.fixture(scope="module")
def db(cloud_database):
    return cloud_database()


def job_on(load_function, db):
    """A call of the migration job on `db`, as its migration user with Terraform's DB_RUNTIME_USERS."""

    def run():
        env = {"DATABASE_URL": db.url(db.migrator), "DB_RUNTIME_USERS": json.dumps(db.runtime_users)}
        return load_function("db-migrate", **env).post("/", json={})

    return run


@pytest.fixture
def migrate(load_function, db):
    return job_on(load_function, db)


@pytest.fixture
def fresh(cloud_database, load_function):
    """A database of its own (its own alembic_version), the job on it, and its superuser engine."""
    database = cloud_database()
    engine = create_engine(database.admin_url)
    yield database, job_on(load_function, database), engine
    engine.dispose()


@pytest.fixture
def admin(db):
    """The database's superuser engine, disposed even when the test fails (no socket left to the GC)."""
    engine = create_engine(db.admin_url)
    yield engine
    engine.dispose()


def test_the_job_migrates_as_the_owner_and_grants_once(migrate, db, admin) -> None:
    first = migrate()
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["migratedTo"] == "head"
    assert first.get_json()["grants"]["users"] == len(db.runtime_users)
    assert first.get_json()["grants"]["changes"] > 0
    again = migrate()
    assert again.status_code == 200 and again.get_json()["grants"] == {"users": len(db.runtime_users), "changes": 0}
    with admin.connect() as conn:
        query = text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        owners = set(conn.execute(query).scalars())
    assert owners == {db.migrator}


def test_every_postgres_function_works_under_its_own_grants(load_function, migrate, db, admin, pubsub_emulator) -> None:
    assert migrate().status_code == 200
    setup_topology(pubsub_emulator, "wellness-test", load_catalog(), {})  # the topics, so the relay can publish
    ran: set[str] = set()

    def fn(name, **env):
        ran.add(name)
        return load_function(name, DATABASE_URL=db.url(db.user_of(name)), **env)

    def deliver(name, event):
        response = fn(name).post("/", json=push_request(event))
        assert response.status_code == 204, (name, response.get_json())

    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    signup = fn("auth-signup").post("/v1/auth/signup", json=account)
    assert signup.status_code == 201, signup.get_json()
    session, user = signup.get_json(), signup.get_json()["user"]["id"]
    login = fn("auth-login").post("/v1/auth/login", json={"email": email, "password": account["password"]})
    assert login.status_code == 200, login.get_json()
    refreshed = fn("auth-refresh").post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.get_json()
    assert fn("auth-password-reset").post("/v1/auth/password-reset", json={"email": email}).status_code == 202
    deliver("auth-on-password-reset-submitted", password_reset_submitted(email))  # the lookup happens here
    with admin.connect() as conn:
        reset_id = conn.execute(text("SELECT id FROM auth_password_resets WHERE user_id = :u"), {"u": user}).scalar()
    body = {"token": reset_token(RESET_KEY, str(reset_id)), "newPassword": "a brand new password"}
    assert fn("auth-password-reset-confirm").post("/v1/auth/password-reset/confirm", json=body).status_code == 204
    fresh = fn("auth-login").post("/v1/auth/login", json={"email": email, "password": body["newPassword"]})
    claims = jwt.decode(fresh.get_json()["accessToken"], options={"verify_signature": False})
    resend = fn("auth-verification-resend").post("/v1/auth/email-verification", headers=userinfo_header(claims))
    assert resend.status_code == 202, resend.get_json()
    with admin.connect() as conn:
        verification_id = conn.execute(
            text("SELECT id FROM auth_email_verifications WHERE user_id = :u ORDER BY created_at DESC LIMIT 1"),
            {"u": user},
        ).scalar()
    confirm = {"token": verification_token(RESET_KEY, str(verification_id))}
    assert fn("auth-verify-email").post("/v1/auth/email-verification/confirm", json=confirm).status_code == 204
    assert fn("auth-logout").post("/v1/auth/logout", headers=userinfo_header(claims)).status_code == 204

    created = user_created(user)
    for subscriber in ("program-on-user-created", "reporting-on-user-created", "notifications-on-user-created"):
        deliver(subscriber, created)
    for subscriber in ("program-on-profile-updated", "reporting-on-profile-updated"):
        deliver(subscriber, profile_updated(user, timezone="Europe/Paris"))
    expires = timestamp(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    deliver("notifications-on-password-reset", password_reset_requested(user, expiresAt=expires))
    deliver("notifications-on-email-verification", email_verification_requested(user, expiresAt=expires))

    me = as_user(user)
    assert fn("program-list").get("/v1/programs", headers=me).status_code == 200
    assert fn("program-get").get("/v1/programs/mindful-7", headers=me).status_code == 200
    assert fn("program-enroll").post("/v1/programs/mindful-7/enrollments", headers=me).status_code == 201
    assert fn("program-enrollments-mine").get("/v1/me/enrollments", headers=me).status_code == 200
    assert fn("program-tasks-mine").get("/v1/me/tasks", headers=me).status_code == 200
    done = fn("program-complete-task").post("/v1/me/tasks/mindful-7-d1/completions", headers=me)
    assert done.status_code == 201, done.get_json()
    assert fn("program-unenroll").delete("/v1/programs/mindful-7/enrollments/me", headers=me).status_code == 204
    deliver("reporting-on-task-completed", task_completed(user))
    deliver("reporting-on-reflection-logged", reflection_logged(user))
    assert fn("reporting-summary").get("/v1/me/reports/summary", headers=me).status_code == 200
    daily = fn("reporting-daily").get("/v1/me/reports/daily?from=2026-11-01&to=2026-11-05", headers=me)
    assert daily.status_code == 200, daily.get_json()

    relayed = fn("outbox-relay").post("/", json={})
    assert relayed.status_code == 200, relayed.get_json()
    with admin.connect() as conn:
        pending = conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
    assert relayed.get_json()["failed"] == 0 and pending == 0

    exported = fn("auth-export-me").get("/v1/me/export", headers=me)  # reads every Postgres domain: `reads`
    assert exported.status_code == 200, exported.get_json()
    export = exported.get_json()
    assert export["notifications"]["sentMail"] and export["reporting"]["completions"] and export["program"]["timezone"]
    assert fn("auth-delete-me").delete("/v1/me", headers=me).status_code == 204
    for subscriber in ("program-on-user-deleted", "reporting-on-user-deleted", "notifications-on-user-deleted"):
        deliver(subscriber, user_deleted(user))
    assert ran == {entry["function"] for entry in db.runtime_users.values()}


def head() -> str:
    """This release's newest migration."""
    from alembic.script import ScriptDirectory

    from wellness.migrations import alembic_config

    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def next_release(tmp_path):
    """Release N+1's migration files: this release's, plus an expand-only revision 0099 on their head."""
    parent = head()
    import shutil

    from wellness.migrations import MIGRATIONS

    files = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, files, ignore=shutil.ignore_patterns("__pycache__"))
    source = f'''"""Release N+1: a new table (expand-only)."""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "{parent}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("next_release_notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("next_release_notes")
'''
    (files / "versions" / "0099_next_release.py").write_text(source)
    return files


def test_a_rolled_back_release_leaves_a_newer_database_alone_and_serves(tmp_path, load_function, fresh):
    """Release N migrates, N+1 migrates further, N is redeployed (a rollback): its job says the
    database is ahead, changes nothing, and N's functions serve on N+1's schema."""
    from wellness.migrations import upgrade

    db, migrate, admin = fresh

    assert migrate().status_code == 200  # release N
    assert upgrade(db.url(db.migrator), migrations=next_release(tmp_path)) is None  # release N+1
    rollback = migrate()  # release N's job again
    assert rollback.status_code == 200, rollback.get_json()
    answer = rollback.get_json()
    assert answer["migratedTo"] is None and answer["database"] == ["0099"], answer
    assert f"ahead of this release's head {head()}" in answer["ahead"]
    with admin.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
        assert conn.execute(text("SELECT to_regclass('next_release_notes') IS NOT NULL")).scalar()
    account = {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": "correct horse battery"}
    signup = load_function("auth-signup", DATABASE_URL=db.url(db.user_of("auth-signup"))).post(
        "/v1/auth/signup", json={**account, "displayName": "Ada", "timezone": "UTC"}
    )
    assert signup.status_code == 201, signup.get_json()
    login = load_function("auth-login", DATABASE_URL=db.url(db.user_of("auth-login"))).post(
        "/v1/auth/login", json=account
    )
    assert login.status_code == 200, login.get_json()


@pytest.mark.parametrize(
    ("version", "lineage", "says"),
    [
        ("0099", [("0099", "0005")], "descends from 0005, not from this release's head"),
        ("beef", [], "no recorded lineage leads from beef"),
    ],
    ids=["another-branch", "unknown"],
)
def test_a_database_this_release_cannot_place_is_a_409_and_left_alone(fresh, version, lineage, says):
    db, migrate, admin = fresh
    assert migrate().status_code == 200
    with admin.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
        for revision, parent in lineage:
            conn.execute(text("INSERT INTO alembic_lineage VALUES (:r, :p)"), {"r": revision, "p": parent})
    refused = migrate()
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "database_not_descendant" and says in error["message"], error
    with admin.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == version
