"""Outages against the real services: PostgreSQL stopped or its connections ended, Firestore and Pub/Sub frozen.

Each ends in a 503 with Retry-After and the JSON error body, never a 500 or a hang: every
call to the store is given the store deadline (here 2 s) as its bound, which the tests
check by recording what was passed, not by timing it; what comes back is used again at
once; a prompt publish to a frozen Pub/Sub is tried by one request, with the prompt
timeout, and skipped by the next ones (the breaker), and loses no event. How long these
take is measured by scripts/bench-faults, not asserted here.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import flask
import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select, text

from wellness.platform.errors import UnavailableError
from wellness.platform.firestore import client as firestore_client
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.postgres.outbox import relay
from wellness.platform.postgres.tables import outbox
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness.platform.pubsub import PubSubPublisher, unreachable
from wellness.platform.runtime import Runtime
from wellness_testing.factories import user_created

pytestmark = pytest.mark.integration

DEADLINE = 2.0
APP = flask.Flask(__name__)
USERINFO = {"X-Apigateway-Api-Userinfo": "eyJzdWIiOiJ1MSJ9"}  # {"sub":"u1"}


def served(runtime: Runtime, work: Callable[[], Any]) -> Callable[[], flask.Response]:
    """An endpoint of the real decorator whose handler does `work`: the answer a caller would get."""

    @endpoint("profileGetMine", runtime)
    def handler(request: ApiRequest) -> ApiResponse:
        return ApiResponse(200, {"result": work()})

    def call() -> flask.Response:
        with APP.test_request_context("/v1/me/profile", method="GET", headers=USERINFO):
            response: flask.Response = handler(flask.request)
            return response

    return call


def assert_unavailable(response: flask.Response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["error"]["code"] == "unavailable"


def connect_timeouts(runtime: Runtime) -> list[float | None]:
    """The socket timeout of every connection the engine opens from now on (pg8000's `timeout`)."""
    seen: list[float | None] = []

    def record(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        seen.append(cparams.get("timeout"))

    sqlalchemy_event.listen(runtime.engine, "do_connect", record)
    return seen


def firestore_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """(method, timeout) of every call the bounded Firestore client makes from now on."""
    seen: list[tuple[str, float]] = []
    bounded = firestore_client._BoundedApi._bounded

    def recording(self: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append((name, kwargs["timeout"]))
            return method(*args, **kwargs)

        return bounded(self, name, spy)

    monkeypatch.setattr(firestore_client._BoundedApi, "_bounded", recording)
    return seen


def test_postgres_stopped_is_a_503_and_its_restart_costs_no_request(runtime_for: Any, outage: Any) -> None:
    runtime = runtime_for("postgres", STORE_DEADLINE_SECONDS=str(DEADLINE))
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    runs: list[int] = []

    def count_outbox() -> int:
        def work(store: PostgresTransaction) -> int:
            runs.append(1)
            return int(store.connection.execute(text("SELECT count(*) FROM outbox")).scalar_one())

        return uow.read(work)

    call = served(runtime, count_outbox)
    assert call().status_code == 200  # the pool now holds a connection
    timeouts = connect_timeouts(runtime)
    with outage.postgres_stopped():
        assert_unavailable(call())
    assert timeouts and set(timeouts) == {DEADLINE}  # each reconnection bounded by the store deadline
    runs.clear()
    assert call().status_code == 200  # the connection the restart ended was replaced, not handed out
    assert runs == [1]


def test_a_connection_ended_mid_transaction_runs_the_work_once_more_and_commits_once(
    runtime_for: Any, sql: Callable[..., list[Any]]
) -> None:
    runtime = runtime_for("postgres", STORE_DEADLINE_SECONDS=str(DEADLINE))
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    event = user_created()
    runs: list[int] = []

    def work(store: PostgresTransaction) -> None:
        runs.append(1)
        if len(runs) == 1:  # a restart ends this connection under the transaction
            store.connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        store.outbox.add(event)

    uow.run(work)
    assert len(runs) == 2
    assert sql("SELECT count(*) FROM outbox WHERE id = :id", id=uuid.UUID(event.id))[0][0] == 1


def test_an_idle_pooled_connection_ended_by_the_server_is_replaced_before_use(
    runtime_for: Any, sql: Callable[..., list[Any]]
) -> None:
    runtime = runtime_for("postgres", STORE_DEADLINE_SECONDS=str(DEADLINE), DB_POOL_SIZE="1")
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    pid = uow.read(lambda store: store.connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    sql("SELECT pg_terminate_backend(:pid)", pid=pid)  # as a restart does to every idle connection
    runs: list[int] = []

    def work(store: PostgresTransaction) -> int:
        runs.append(1)
        return int(store.connection.execute(select(outbox.c.id).limit(1)).rowcount or 0)

    uow.read(work)
    assert runs == [1]  # pre-ping found it (57P01) and reconnected: the work ran once


def test_a_frozen_firestore_is_a_503_within_the_deadline_and_writes_nothing(
    runtime_for: Any, outage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = runtime_for("firestore", STORE_DEADLINE_SECONDS=str(DEADLINE), PUBLISH_AFTER_COMMIT="false")
    uow = runtime.firestore_unit_of_work(FirestoreTransaction)
    ref = runtime.firestore.collection("outageTest").document(uuid.uuid4().hex)
    call = served(runtime, lambda: uow.run(lambda store: store.set(ref, {"written": True})))
    assert call().status_code == 200
    ref.delete()
    timeouts = firestore_timeouts(monkeypatch)
    with outage.frozen("firestore"):
        assert_unavailable(call())
        with pytest.raises(UnavailableError):
            uow.read(lambda store: store.get(ref))
    # Every call was bounded by (what was left of) the unit's 2 s deadline, not the SDK's 60 s default.
    assert timeouts and all(0 < timeout <= DEADLINE for _, timeout in timeouts), timeouts
    time.sleep(1.0)  # what the frozen emulator had queued, it now handles
    assert not ref.get().exists  # the 503 came before the commit: nothing was written after it
    assert call().status_code == 200 and ref.get().exists  # the same client works again at once


def publish_timeouts(publisher: Any, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The timeout of every publish_many call made on `publisher` from now on."""
    seen: list[float] = []
    publish_many = publisher.publish_many

    def spy(messages: Any, timeout: float) -> Any:
        seen.append(timeout)
        return publish_many(messages, timeout=timeout)

    monkeypatch.setattr(publisher, "publish_many", spy)
    return seen


def request_timeouts(publisher: PubSubPublisher, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The bound each publish request to Pub/Sub's REST API is given (the real session, observed)."""
    seen: list[float] = []
    session = publisher._get_session()
    request = session.request

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["max_allowed_time"])
        return request(*args, **kwargs)

    monkeypatch.setattr(session, "request", spy)
    return seen


def test_a_frozen_pubsub_costs_one_request_a_short_wait_and_loses_no_event(
    runtime_for: Any, outage: Any, sql: Callable[..., list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = runtime_for("postgres", "pubsub", PUBLISH_TIMEOUT_SECONDS="5")
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    admin = pubsub_v1.PublisherClient()
    try:
        admin.create_topic(name=admin.topic_path(runtime.settings.project_id, "user.created"))
    except AlreadyExists:
        pass
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    uow.run(lambda store: store.outbox.add(user_created()))  # the publisher client is built and connected
    publishes = publish_timeouts(runtime.publisher, monkeypatch)
    events = [user_created() for _ in range(3)]
    with outage.frozen("pubsub"):
        for event in events:
            uow.run(lambda store, event=event: store.outbox.add(event))
        many = PubSubPublisher(runtime.settings.project_id)
        waits = request_timeouts(many, monkeypatch)
        topics = ("user.created", "user.deleted", "user.created")
        results = many.publish_many([(topic, b"{}", {}) for topic in topics], timeout=0.5)
    # The first request tried with the prompt timeout (0.5 s), not PUBLISH_TIMEOUT_SECONDS;
    # the breaker spared the others.
    assert publishes == [runtime.settings.prompt_publish_timeout_seconds] == [0.5]
    assert all(isinstance(r, BaseException) and unreachable(r) for r in results)
    # One deadline for the batch: the first topic's request waited it out, the second got only
    # what was left of it (nothing: it was never sent).
    assert waits and waits[0] <= 0.5 and all(later < waits[0] for later in waits[1:]), waits
    ids = [uuid.UUID(e.id) for e in events]
    pending = "SELECT count(*) FROM outbox WHERE id = ANY(:ids) AND published_at IS NULL"
    assert sql(pending, ids=ids)[0][0] == 3  # left to the relay
    relay(runtime.engine, runtime.publisher, timeout=10)
    assert sql(pending, ids=ids)[0][0] == 0
