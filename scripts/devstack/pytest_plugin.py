"""Session fixtures for real services, started on first use (conftest.py registers this plugin).

    postgres_url        DATABASE_URL, or a throwaway cluster on a free port; migrated once
    pubsub_emulator     "127.0.0.1:PORT": PUBSUB_EMULATOR_HOST, or an emulator on a free port
    firestore_emulator  "127.0.0.1:PORT": FIRESTORE_EMULATOR_HOST, or an emulator on a free port
    emulator_env        both emulators (and GOOGLE_CLOUD_PROJECT) put into os.environ for the session
    smtp_sink           devstack.mailsink.MailSink on a free port, in-process, keeping mail in a temp folder
    outage              breaks what this session started itself, for a moment: `with outage.frozen("firestore")`
                        (SIGSTOP: it answers nothing), `with outage.postgres_stopped()` (a restart, on the same port)
    local_stack         the whole stack (devstack.stack.Stack): every function, the gateway, the
                        scheduler; the session's Postgres and Firestore, its own Pub/Sub emulator
                        (so a test may stop and restart it)
    fault_stack         a stack of its own for one test module (auth, profile, community): its own
                        PostgreSQL and both emulators, so a test may stop PostgreSQL and freeze either
                        emulator (Stack.stop_postgres/start_postgres, Stack.freeze/thaw) without
                        touching what other tests use
    packaged_bundles    every deployable bundle (devstack.deploy.package), built once: {function: .tar.gz}
    imported_bundles    each bundle the session's selected tests name (their `name` parameter), imported
                        once in an isolated interpreter (devstack.deploy.bundle_imports): {function: Imported}

Where the emulators are not installed, the tests that need them are skipped with
what to install. Nothing heavy is imported until a fixture runs, so collecting
unit tests stays fast.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from devstack.stack.layout import SHARED_DIR
from devstack.stack.procs import ServiceError, free_port, freeze_group, thaw_group
from devstack.stack.services import Emulator, PostgresCluster, emulators_available

if TYPE_CHECKING:
    from devstack.deploy.bundle_imports import Imported
    from devstack.stack.mailsink import MailSink
    from devstack.stack.stack import Stack

TEST_PROJECT = "wellness-test"
# What this session started itself (not what it was handed through the environment): outage may break these.
_STARTED: dict[str, Any] = {}


def migrate(url: str) -> None:
    """python -m wellness.migrations against url, failing the session with its output if it fails."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(SHARED_DIR), "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "wellness.migrations"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(
            f"python -m wellness.migrations failed ({result.returncode}):\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated database URL (postgresql+pg8000://…), shared by the whole session."""
    external = os.environ.get("DATABASE_URL")
    if external:
        migrate(external)
        yield external
        return
    # Not under pytest's tmp root: that is 0700, and under root the server runs as `postgres`.
    state_dir = Path(tempfile.mkdtemp(prefix="wellness-test-pg-"))
    cluster = PostgresCluster(state_dir)
    try:
        url = cluster.start(free_port())
    except ServiceError as exc:
        shutil.rmtree(state_dir, ignore_errors=True)
        pytest.fail(exc.details(), pytrace=False)
    try:
        migrate(url)
        _STARTED["postgres"] = cluster
        yield url
    finally:
        _STARTED.pop("postgres", None)
        cluster.stop()
        cluster.remove()


def _emulator(kind: str, env_var: str, logs: Path) -> Iterator[str]:
    reuse = os.environ.get(env_var)
    if reuse:
        yield reuse
        return
    ok, reason = emulators_available()
    if not ok:
        pytest.skip(reason)
    emulator = Emulator(kind, free_port(), TEST_PROJECT, logs / f"{kind}-emulator.log")
    try:
        emulator.start()
        emulator.wait_ready(90)
    except ServiceError as exc:
        emulator.stop()
        pytest.fail(exc.details(), pytrace=False)
    try:
        _STARTED[kind] = emulator
        yield emulator.host
    finally:
        _STARTED.pop(kind, None)
        emulator.stop()


@pytest.fixture(scope="session")
def pubsub_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Pub/Sub emulator's "127.0.0.1:PORT"."""
    yield from _emulator("pubsub", "PUBSUB_EMULATOR_HOST", tmp_path_factory.mktemp("pubsub-emulator"))


@pytest.fixture(scope="session")
def firestore_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Firestore emulator's "127.0.0.1:PORT"."""
    yield from _emulator("firestore", "FIRESTORE_EMULATOR_HOST", tmp_path_factory.mktemp("firestore-emulator"))


@pytest.fixture(scope="session")
def emulator_env(pubsub_emulator: str, firestore_emulator: str) -> Iterator[dict[str, str]]:
    """Point every Google client in this process at the emulators for the rest of the session.

    Session-wide on purpose (monkeypatch is per test): clients are often built once
    and cached. The previous values come back at the end of the session.
    """
    values = {
        "PUBSUB_EMULATOR_HOST": pubsub_emulator,
        "FIRESTORE_EMULATOR_HOST": firestore_emulator,
        "GOOGLE_CLOUD_PROJECT": os.environ.get("GOOGLE_CLOUD_PROJECT") or TEST_PROJECT,
    }
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield values
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class Outage:
    """Makes a service of this session unavailable inside a `with` block, and puts it back after."""

    _FIXTURES = {"postgres": "postgres_url", "pubsub": "pubsub_emulator", "firestore": "firestore_emulator"}

    def __init__(self, request: pytest.FixtureRequest):
        self._request = request

    def _own(self, kind: str) -> Any:
        self._request.getfixturevalue(self._FIXTURES[kind])  # started (once a session) before it is broken
        service = _STARTED.get(kind)
        if service is None:
            pytest.skip(f"{kind} was handed to this session (environment), not started by it: it is not ours to break")
        return service

    @contextlib.contextmanager
    def frozen(self, kind: str) -> Iterator[None]:
        """The emulator ("pubsub" or "firestore") keeps its connections and answers nothing."""
        emulator = self._own(kind)
        freeze_group(emulator.pid)
        try:
            yield
        finally:
            thaw_group(emulator.pid)

    @contextlib.contextmanager
    def postgres_stopped(self) -> Iterator[None]:
        """PostgreSQL stopped (pg_ctl -m fast ends every connection), then started again on its port."""
        cluster = self._own("postgres")
        port = cluster.port
        cluster.stop()
        try:
            yield
        finally:
            cluster.start(port)


@pytest.fixture
def outage(request: pytest.FixtureRequest) -> Outage:
    """Break the session's own PostgreSQL or emulators for a moment (they come back when the block ends)."""
    return Outage(request)


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailSink]:
    """A local SMTP server that keeps every mail (sink.messages()); one per session."""
    from devstack.stack.mailsink import MailSink

    sink = MailSink(tmp_path_factory.mktemp("mail"), free_port()).start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def local_stack(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str, firestore_emulator: str
) -> Iterator[Stack]:
    """The whole local stack, all domains, behind a gateway on a free port."""
    from devstack.stack.stack import Stack, StackError

    ok, reason = emulators_available()
    if not ok:
        pytest.skip(reason)
    stack = Stack(
        tmp_path_factory.mktemp("local-stack"),
        gateway_port=free_port(),
        database_url=postgres_url,
        firestore_host=firestore_emulator,
    )
    try:
        stack.up()
    except StackError as exc:
        pytest.fail(f"the local stack did not start: {exc}", pytrace=False)
    try:
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack that owns every service it runs, for fault tests: torn down with the module."""
    from devstack.bench.faults import FAULT_DOMAINS
    from devstack.stack.stack import Stack, StackError

    ok, reason = emulators_available()
    if not ok:
        pytest.skip(reason)
    stack = Stack(tmp_path_factory.mktemp("fault-stack"), gateway_port=free_port(), domains=FAULT_DOMAINS)
    try:
        stack.up()
    except StackError as exc:
        pytest.fail(f"the fault stack did not start: {exc}", pytrace=False)
    try:
        yield stack
    finally:
        stack.down(clean=True)


@pytest.fixture(scope="session")
def packaged_bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from devstack.deploy import package

    return package.package_all(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def imported_bundles(
    request: pytest.FixtureRequest,
    packaged_bundles: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    signing_keyset_json: str,
) -> dict[str, Imported]:
    """One import per bundle for every test that reads it (the package's and the cold start's), of those selected."""
    from devstack.deploy.bundle_imports import deployed_env, import_bundles
    from wellness.auth.keys import public_jwks_json

    selected = {
        str(item.callspec.params["name"])
        for item in request.session.items
        if isinstance(item, pytest.Function) and "imported_bundles" in item.fixturenames and hasattr(item, "callspec")
    }
    public = public_jwks_json(signing_keyset_json)
    return import_bundles(
        packaged_bundles,
        sorted(selected),
        tmp_path_factory.mktemp("imported"),
        lambda name: deployed_env(name, signing_keyset_json, public),
    )
