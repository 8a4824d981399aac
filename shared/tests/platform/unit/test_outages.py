"""Outages on fakes: the prompt publish's circuit breaker, deadlines on every Firestore call, what counts as
PostgreSQL being away and when a unit of work may run again, contention, and the 503 they all end in."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable

import flask
import pytest
from google.api_core import exceptions as google
from google.api_core import gapic_v1
from google.api_core.retry import Retry
from sqlalchemy import exc as sa_exc

from wellness.platform.breaker import CircuitBreaker
from wellness.platform.config import load_settings
from wellness.platform.errors import ConflictError, UnavailableError
from wellness.platform.firestore import client as firestore_client
from wellness.platform.firestore import unit_of_work as firestore_uow
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.outbox import RelayResult
from wellness.platform.postgres.engine import unavailable
from wellness.platform.postgres.unit_of_work import PostgresUnitOfWork
from wellness.platform.runtime import Runtime
from wellness.platform.subscriber import push_request, subscriber
from wellness_testing.clocks import ManualTimer
from wellness_testing.factories import user_created
from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork

pytestmark = pytest.mark.unit

SETTINGS = {"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}


# -- the circuit breaker and the prompt publish ----------------------------------------------------------


def test_the_breaker_opens_on_a_failure_lets_one_trial_through_per_cooldown_and_closes_on_success() -> None:
    clock = ManualTimer()
    breaker = CircuitBreaker(cooldown_seconds=30, clock=clock)
    assert breaker.allow() and breaker.allow()  # closed: everyone goes
    breaker.failed()
    assert not breaker.allow()
    clock.now += 29.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # the trial
    assert not breaker.allow() and not breaker.allow()  # the others skip while it runs
    breaker.failed()  # the trial failed: another cooldown
    clock.now += 29
    assert not breaker.allow()
    clock.now += 2
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.closed and breaker.allow() and breaker.allow()


def test_the_breaker_gives_one_trial_to_one_of_many_threads() -> None:
    clock = ManualTimer()
    breaker = CircuitBreaker(cooldown_seconds=30, clock=clock)
    breaker.failed()
    clock.now += 31
    allowed: list[bool] = []
    threads = [threading.Thread(target=lambda: allowed.append(breaker.allow())) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


def runtime_with_clock(clock: ManualTimer, **env: str) -> Runtime:
    runtime = Runtime(load_settings({**SETTINGS, **env}))
    runtime.prompt_publish_breaker = CircuitBreaker(runtime.settings.prompt_publish_cooldown_seconds, clock=clock)
    return runtime


def test_a_failed_prompt_publish_leaves_the_next_events_to_the_relay_until_the_cooldown_ends() -> None:
    clock = ManualTimer()
    runtime = runtime_with_clock(clock)
    calls: list[tuple[list[str], float]] = []
    outcome = {"failed": 1}

    def relay_ids(ids: list[str], timeout: float) -> RelayResult:
        calls.append((ids, timeout))
        return RelayResult(len(ids) - outcome["failed"], outcome["failed"], unreachable=bool(outcome["failed"]))

    publish = runtime.prompt_publish(relay_ids)
    assert publish is not None
    publish(["e1"])  # Pub/Sub does not answer: this one waited the prompt timeout
    assert calls == [(["e1"], 0.5)]  # PROMPT_PUBLISH_TIMEOUT_SECONDS, not the relay's 5 s
    publish(["e2"])
    publish(["e3"])
    assert len(calls) == 1  # skipped: e2 and e3 stay in the outbox for the relay
    clock.now += 30
    outcome["failed"] = 0
    publish(["e4"])  # the trial, and it works
    publish(["e5"])
    assert [ids for ids, _ in calls] == [["e1"], ["e4"], ["e5"]]


def test_a_prompt_publish_that_raises_opens_the_breaker_too() -> None:
    clock = ManualTimer()
    runtime = runtime_with_clock(clock, PROMPT_PUBLISH_COOLDOWN_SECONDS="5")
    calls: list[list[str]] = []

    def relay_ids(ids: list[str], timeout: float) -> RelayResult:
        calls.append(ids)
        raise ConnectionError("no route")

    publish = runtime.prompt_publish(relay_ids)
    assert publish is not None
    with pytest.raises(ConnectionError):
        publish(["e1"])  # the unit of work logs it; the relay publishes e1
    publish(["e2"])
    assert calls == [["e1"]]


def test_no_prompt_publish_when_it_is_turned_off() -> None:
    assert (
        Runtime(load_settings({**SETTINGS, "PUBLISH_AFTER_COMMIT": "false"})).prompt_publish(
            lambda ids, timeout: RelayResult(0, 0)
        )
        is None
    )


# -- deadlines on every Firestore call ---------------------------------------------------------------------


class FakeApi:
    """Stands in for the generated Firestore client: records what each call was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.transport = object()

    def __getattr__(self, name: str) -> Callable[..., str]:
        if name.startswith("_"):
            raise AttributeError(name)

        def method(*, request: Any = None, **kwargs: Any) -> str:
            self.calls.append((name, kwargs))
            return name

        return method


def test_outside_a_deadline_each_call_gets_the_default_timeout_and_bounded_retries() -> None:
    api = FakeApi()
    bounded = firestore_client._BoundedApi(api, default_seconds=5.0)
    assert bounded.commit(request={}) == "commit"
    ((name, kwargs),) = api.calls
    assert kwargs["timeout"] == 5.0
    retry = kwargs["retry"]
    assert isinstance(retry, Retry) and retry.timeout == 5.0
    assert retry._predicate(google.ServiceUnavailable("x")) and not retry._predicate(google.DeadlineExceeded("x"))
    assert bounded.transport is api.transport  # not a method: passed through untouched


def test_inside_a_deadline_calls_get_what_is_left_and_fail_at_once_after_it() -> None:
    api = FakeApi()
    bounded = firestore_client._BoundedApi(api, default_seconds=60.0)
    given = Retry(timeout=300.0)
    with firestore_client.deadline(2.0):
        bounded.batch_get_documents(request={}, timeout=300.0, retry=given)
        bounded.run_query(request={}, retry=None)
        with firestore_client.deadline(10.0):  # an inner deadline never extends the outer one
            bounded.begin_transaction(request={}, retry=gapic_v1.method.DEFAULT)
    for _name, kwargs in api.calls:
        assert 1.5 < kwargs["timeout"] <= 2.0
    assert api.calls[0][1]["retry"].timeout <= 2.0 and given.timeout == 300.0  # a copy, cut to the deadline
    assert api.calls[1][1]["retry"] is None
    with firestore_client.deadline(0.05):
        time.sleep(0.06)
        with pytest.raises(google.DeadlineExceeded):
            bounded.commit(request={})
        bounded.rollback(request={})  # a rollback still goes: it releases the transaction's locks
    assert api.calls[-1][0] == "rollback" and api.calls[-1][1]["timeout"] == firestore_client.ROLLBACK_GRACE_SECONDS
    assert firestore_client.remaining(7.0) == 7.0  # outside again


def test_contention_is_retried_within_the_deadline_then_a_conflict() -> None:
    tries: list[int] = []

    def aborted() -> None:
        tries.append(1)
        raise google.Aborted("Too much contention on these documents.")

    with firestore_client.deadline(5.0), pytest.raises(ConflictError) as raised:
        with firestore_uow._outage_safe():
            firestore_uow._retry_contention(aborted)
    assert raised.value.status == 409 and raised.value.code == "contention"
    assert len(tries) == firestore_uow.CONTENTION_RETRIES


def test_contention_that_runs_out_of_time_is_a_conflict_and_a_silent_store_is_unavailable() -> None:
    attempts = iter([google.Aborted("contention"), google.DeadlineExceeded("lock wait")])

    def contended() -> None:
        raise next(attempts)

    with firestore_client.deadline(5.0), pytest.raises(ConflictError):
        with firestore_uow._outage_safe():
            firestore_uow._retry_contention(contended)

    def silent() -> None:
        try:
            raise google.DeadlineExceeded("begin_transaction")
        except google.DeadlineExceeded:
            # what the client's own rollback raises after a begin that never answered
            raise ValueError("The transaction has no transaction ID, so it cannot be rolled back.") from None

    with pytest.raises(UnavailableError) as raised:
        with firestore_uow._outage_safe():
            firestore_uow._retry_contention(silent)
    assert raised.value.status == 503 and raised.value.retry_after_seconds >= 1


def test_other_errors_pass_through_the_firestore_outage_mapping() -> None:
    empty: dict[str, int] = {}
    with pytest.raises(KeyError), firestore_uow._outage_safe():
        firestore_uow._retry_contention(lambda: empty["missing"])


# -- PostgreSQL away -------------------------------------------------------------------------------------


def db_error(orig: BaseException, invalidated: bool = False) -> sa_exc.DBAPIError:
    return sa_exc.OperationalError("SELECT 1", {}, orig, connection_invalidated=invalidated)


class ServerError(Exception):
    """pg8000's DatabaseError: the server's error fields as its first argument."""


@pytest.mark.parametrize(
    ("error", "connecting", "away"),
    [
        (db_error(ConnectionRefusedError(111, "refused")), False, True),
        (db_error(ServerError({"S": "FATAL", "C": "57P01", "M": "terminating connection"})), False, True),
        (db_error(ServerError({"S": "FATAL", "C": "57P03", "M": "the database system is starting up"})), False, True),
        (db_error(ServerError({"S": "FATAL", "C": "08006", "M": "connection failure"})), False, True),
        (db_error(Exception("anything"), invalidated=True), False, True),
        (sa_exc.TimeoutError("QueuePool limit reached"), False, True),
        (db_error(ServerError({"S": "ERROR", "C": "23505", "M": "duplicate key"})), False, False),
        (db_error(ServerError({"S": "ERROR", "C": "22021", "M": "invalid byte sequence"})), False, False),
        (ConnectionRefusedError(111, "SMTP refused"), False, False),  # another service's socket: not the database
        (ConnectionRefusedError(111, "refused"), True, True),  # … unless it happened while connecting
    ],
)
def test_what_counts_as_postgres_being_away(error: BaseException, connecting: bool, away: bool) -> None:
    assert unavailable(error, connecting=connecting) is away


class Pg:
    """An engine stand-in for `_outage_safe`: each attempt is scripted."""


def uow(deadline: float = 5.0) -> PostgresUnitOfWork[Any]:
    return PostgresUnitOfWork(Pg(), lambda connection: connection, deadline_seconds=deadline)  # type: ignore[arg-type]


def test_a_lost_connection_before_the_commit_runs_the_work_once_more() -> None:
    attempts: list[dict[str, bool]] = []

    def attempt(phase: dict[str, bool]) -> str:
        attempts.append(dict(phase))
        if len(attempts) == 1:
            raise db_error(ServerError({"C": "57P01", "M": "terminating connection"}), invalidated=True)
        return "done"

    assert uow()._outage_safe(attempt) == "done" and len(attempts) == 2


def test_a_failure_while_committing_is_a_503_not_a_second_try() -> None:
    attempts: list[int] = []

    def attempt(phase: dict[str, bool]) -> str:
        attempts.append(1)
        phase["committing"] = True
        raise db_error(ConnectionResetError(104, "reset"), invalidated=True)

    with pytest.raises(UnavailableError) as raised:
        uow()._outage_safe(attempt)
    assert len(attempts) == 1 and raised.value.status == 503


def test_a_database_that_stays_away_is_a_503_after_one_more_try_and_a_hung_one_after_none() -> None:
    attempts: list[int] = []

    def refused(phase: dict[str, bool]) -> str:
        attempts.append(1)
        raise db_error(ConnectionRefusedError(111, "refused"))

    with pytest.raises(UnavailableError):
        uow()._outage_safe(refused)
    assert len(attempts) == 2

    def hung(phase: dict[str, bool]) -> str:
        attempts.append(1)
        raise db_error(TimeoutError("timed out"), invalidated=True)

    with pytest.raises(UnavailableError):
        uow()._outage_safe(hung)
    assert len(attempts) == 3


def test_bad_input_errors_are_not_outages() -> None:
    def duplicate(phase: dict[str, bool]) -> str:
        raise db_error(ServerError({"C": "23505", "M": "duplicate key"}))

    with pytest.raises(sa_exc.OperationalError):
        uow()._outage_safe(duplicate)


# -- the answers --------------------------------------------------------------------------------------------

RUNTIME = Runtime(load_settings(SETTINGS))
APP = flask.Flask(__name__)


@endpoint("profileGetMine", RUNTIME)
def down(request: ApiRequest) -> ApiResponse:
    raise UnavailableError(retry_after_seconds=7)


def test_unavailable_is_a_503_with_retry_after_and_the_error_body() -> None:
    headers = {"X-Apigateway-Api-Userinfo": "eyJzdWIiOiJ1MSJ9"}
    with APP.test_request_context("/v1/me/profile", method="GET", headers=headers):
        response = down(flask.request)
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    assert response.get_json()["error"]["code"] == "unavailable"


def test_a_subscriber_nacks_an_event_it_could_not_apply_while_its_store_was_away(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeUnitOfWork(FakeTransaction, FakeState())
    fake.unavailable = UnavailableError()
    runtime = Runtime(load_settings({**SETTINGS, "FUNCTION_NAME": "profile-on-user-created"}))

    applied: list[str] = []

    @subscriber("user.created", runtime, fake)
    def handler(event: Any, store: FakeTransaction) -> None:
        applied.append(event.id)

    with APP.test_request_context("/", method="POST", data=json.dumps(push_request(user_created()))):
        response = handler(flask.request)
    assert response.status_code == 503  # a nack: Pub/Sub redelivers, the message is not poison
    outcome = [r for r in caplog.records if r.name == "wellness.subscriber"][-1]
    assert outcome.levelname == "WARNING" and "will be retried" in outcome.getMessage()
    fake.unavailable = None
    with APP.test_request_context("/", method="POST", data=json.dumps(push_request(user_created()))):
        assert handler(flask.request).status_code == 204
    assert len(applied) == 1  # applied once the store was back
