"""Shared pytest fixtures: real services come from devstack.pytest_plugin (started on demand)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from devstack.tiers import FILE_VARIABLE, TIERS, Summary, lines

pytest_plugins = ["devstack.pytest_plugin"]

REPO = Path(__file__).resolve().parent
# Modules that act when imported (Alembic's environment, `python -m` entry points): never doctest-collected.
collect_ignore = ["shared/wellness/migrations/env.py", "shared/wellness/migrations/__main__.py"]
# Tooling modules that import only in their own environment (and hold no examples): the stand-in
# provider (`tf`, in .venv-standin) and the load users (locust must patch the process first).
collect_ignore += ["scripts/devstack/deploy/standin/provider.py", "scripts/devstack/load/users.py"]


@pytest.fixture(scope="session")
def signing_keyset_json() -> str:
    from wellness.auth.keys import new_keyset_json

    return new_keyset_json()


@pytest.fixture
def load_function(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, signing_keyset_json: str
) -> Iterator[Callable[..., Any]]:
    """Load functions/NAME/main.py exactly as deployed (functions_framework.create_app) on real services.

    Returns a Flask test client. The services the catalog says it uses are started
    (once per session) and handed to it through the environment, as in the cloud.
    """
    import sys

    from flask.testing import FlaskClient
    from functions_framework import create_app

    from devstack.catalog import load_catalog
    from wellness.auth.keys import public_jwks_json
    from wellness_testing.contract_headers import checking_client

    loaded: list[Any] = []

    def load(name: str, **env: str) -> Any:
        fn = load_catalog().function(name)
        settings_env = {
            "GOOGLE_CLOUD_PROJECT": "wellness-test",
            "APP_ENV": "test",
            "FUNCTION_NAME": name,
            "SECRETS_BACKEND": "env",
            "SECRET_JWT_SIGNING_KEYS": signing_keyset_json,
            "SECRET_JWT_PUBLIC_KEYS": public_jwks_json(signing_keyset_json),
            "JWT_ISSUER": "wellness-test",
            "JWT_AUDIENCE": "wellness-app",
            "TRACE_EXPORTER": "none",
            "SECRET_PASSWORD_RESET_KEY": "test-password-reset-key",
            "SECRET_THROTTLE_KEY": "test-throttle-key",
            "SECRET_SMOKE_KEY": "test-smoke-key",
            # Every test's requests come from one client: only the tests of the throttles lower these.
            "SIGNUP_MAX_PER_CLIENT": "1000000",
            "PASSWORD_RESET_MAX_PER_CLIENT": "1000000",
            "EMAIL_VERIFICATION_MAX_PER_CLIENT": "1000000",
        }
        if fn.domain == "notifications":
            sink = request.getfixturevalue("smtp_sink")
            settings_env.update(MAIL_BACKEND="smtp", SMTP_HOST=sink.host, SMTP_PORT=str(sink.port))
        if "postgres" in fn.stores:
            settings_env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
        if "pubsub" in fn.stores:
            settings_env["PUBSUB_EMULATOR_HOST"] = request.getfixturevalue("pubsub_emulator")
        if "firestore" in fn.stores:
            settings_env["FIRESTORE_EMULATOR_HOST"] = request.getfixturevalue("firestore_emulator")
        for key, value in {**settings_env, **env}.items():
            monkeypatch.setenv(key, value)
        app = create_app(target="handler", source=str(fn.source_dir / "main.py"), signature_type="http")
        loaded.append(sys.modules["main"])
        if fn.kind == "http":  # every answer's headers are declared by the contract (wellness_testing.contract_headers)
            app.test_client_class = checking_client(app.test_client_class or FlaskClient)
        return app.test_client()

    yield load
    for module in loaded:  # an instance's pool lives as long as the instance; here, the test
        runtime = getattr(module, "runtime", None)
        if runtime is not None and "engine" in runtime.__dict__:
            runtime.engine.dispose()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests of settings start from an environment without the app's variables."""
    for key in list(os.environ):
        if key.startswith(("SECRET_", "JWT_", "DATABASE_", "TRACE_", "PUBLISH_")) or key in (
            "APP_ENV",
            "FUNCTION_NAME",
        ):
            monkeypatch.delenv(key)
    yield


@pytest.fixture
def firestore_db(firestore_emulator: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Firestore client on the emulator, for tests to arrange and inspect documents."""
    from google.cloud import firestore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore_emulator)
    return firestore.Client(project="wellness-test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test belongs to exactly one tier; tiers run cheapest first, so a broken unit fails fast.

    Doctests (the library's examples, collected with --doctest-modules) are unit tests.
    """
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(pytest.mark.unit)
    untiered = [item.nodeid for item in items if sum(1 for t in TIERS if item.get_closest_marker(t)) != 1]
    if untiered:
        raise pytest.UsageError(
            "tests need exactly one tier marker (" + ", ".join(TIERS) + "): " + ", ".join(untiered[:5])
        )

    def order(item: pytest.Item) -> tuple[bool, int]:
        tier = next(i for i, t in enumerate(TIERS) if item.get_closest_marker(t))
        return item.get_closest_marker("runs_last") is not None, tier

    items.sort(key=order)  # stable: the order inside a tier is kept


# Seconds spent in each tier (set-up, call and tear-down of its tests, so the services a tier
# starts count in it): what the suite's time goes to, printed with the counts.
_TIER_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    tier = next((t for t in TIERS if t in report.keywords), None)
    if tier is not None:
        _TIER_SECONDS[tier] = _TIER_SECONDS.get(tier, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    counts: dict[str, dict[str, int]] = {t: {} for t in TIERS}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            keywords = getattr(report, "keywords", {})
            for t in TIERS:
                if t in keywords:
                    counts[t][outcome] = counts[t].get(outcome, 0) + 1
    summary = Summary(counts, dict(_TIER_SECONDS))
    terminalreporter.section("tiers")
    for line in lines(summary):
        terminalreporter.write_line(line)
    if os.environ.get(FILE_VARIABLE):  # devstack.suite adds this session's to the other's
        summary.save(Path(os.environ[FILE_VARIABLE]))


@pytest.fixture
def sql(postgres_url: str) -> Iterator[Callable[..., list[Any]]]:
    """Run one SQL statement on the session's database (rows for a query), to arrange or inspect state."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)

    def run(statement: str, **params: Any) -> list[Any]:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    yield run
    engine.dispose()


@dataclasses.dataclass
class CloudDatabase:
    """A fresh database on the session's cluster, prepared as Cloud SQL's is before the migration job runs.

    Its migration user and runtime users are plain login roles (no superuser, no rights), named
    as Terraform names the IAM users of project `project`, and the database has had exactly the
    release's bootstrap SQL (devstack.deploy.db_bootstrap.statements) run on it by the superuser.
    """

    admin_url: Any  # sqlalchemy URL of the superuser on this database
    project: str
    runtime_users: dict[str, dict[str, Any]]

    @property
    def migrator(self) -> str:
        from devstack.deploy.db_users import db_user

        return db_user("db-migrate", self.project)

    def url(self, user: str) -> str:
        """The URL that logs `user` in to this database (trust authentication: no password)."""
        rendered: str = self.admin_url.set(username=user).render_as_string(hide_password=False)
        return rendered

    def user_of(self, function: str) -> str:
        return next(user for user, entry in self.runtime_users.items() if entry["function"] == function)


@pytest.fixture(scope="module")
def cloud_database(postgres_url: str) -> Iterator[Callable[[], CloudDatabase]]:
    """cloud_database(): a new database, its migration user and one runtime user per Postgres function.

    Not migrated: the test runs the migration job (or its parts) as `db.migrator`. Databases and
    roles are dropped when the module ends.
    """
    from sqlalchemy import create_engine, make_url, text

    from devstack.deploy.db_bootstrap import statements
    from devstack.deploy.db_users import db_runtime_users

    cluster = make_url(postgres_url)
    made: list[CloudDatabase] = []
    admin = create_engine(cluster, isolation_level="AUTOCOMMIT")

    def make() -> CloudDatabase:
        project = f"grants-{uuid.uuid4().hex[:8]}"
        db = CloudDatabase(cluster.set(database=project.replace("-", "_")), project, db_runtime_users(project))
        made.append(db)
        with admin.connect() as conn:
            for role in (db.migrator, *db.runtime_users):
                conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f"CREATE DATABASE {db.admin_url.database}"))
        owner = create_engine(db.admin_url, isolation_level="AUTOCOMMIT")
        with owner.connect() as conn:
            for statement in statements(db.admin_url.database, db.migrator):
                conn.execute(text(statement))
        owner.dispose()
        return db

    yield make
    with admin.connect() as conn:
        for db in made:
            conn.execute(text(f"DROP DATABASE IF EXISTS {db.admin_url.database} WITH (FORCE)"))
            for role in (db.migrator, *db.runtime_users):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()
