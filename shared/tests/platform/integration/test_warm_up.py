"""The runtime's warm-up: what a function's first request needs, opened ahead of it on the real services.

The warm-up runs in a thread of the worker gunicorn forks; whatever of it fails is left
to the request, which builds it lazily as before. Counted, never timed: how much it
saves is measured by scripts/bench-cold-start.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness.platform.pubsub import PubSubPublisher
from wellness.platform.runtime import Runtime

pytestmark = pytest.mark.integration


def test_the_warm_up_opens_a_pooled_connection_and_builds_the_clients(runtime_for: Callable[..., Runtime]) -> None:
    runtime = runtime_for("postgres", "pubsub", "firestore")
    runtime.needs = ("postgres", "pubsub", "firestore")

    runtime.warm_up()

    assert runtime.engine.pool.checkedin() == 1  # type: ignore[attr-defined]
    assert isinstance(runtime.publisher, PubSubPublisher) and runtime.publisher._client is not None
    assert "firestore" in runtime.__dict__
    with runtime.engine.connect() as connection:  # the request takes the warmed connection: none is opened
        assert connection.execute(text("select 1")).scalar() == 1
    assert runtime.engine.pool.checkedin() == 1  # type: ignore[attr-defined]


def test_a_failed_warm_up_leaves_the_connection_to_the_first_request(
    runtime_for: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = runtime_for("postgres")
    runtime.needs = ("postgres",)
    engine = runtime.engine
    connect, attempts = engine.connect, []

    def refused_once() -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            raise sa_exc.OperationalError("connect", {}, ConnectionRefusedError(111, "Connection refused"))
        return connect()

    monkeypatch.setattr(engine, "connect", refused_once)
    runtime.warm_up()  # does not raise

    assert runtime.engine.pool.checkedin() == 0  # type: ignore[attr-defined]
    unit_of_work = runtime.postgres_unit_of_work(PostgresTransaction)
    assert unit_of_work.read(lambda store: 42) == 42
    assert len(attempts) == 2
