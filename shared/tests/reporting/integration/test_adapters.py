"""Reporting on real PostgreSQL: duplicated, redelivered and shuffled events give the exact same report."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from typing import Any

import flask
import pytest

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting import service as reporting
from wellness.platform.subscriber import subscriber

from .conftest import push_body

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)  # the day after Europe's spring-forward
APPLY = {
    "user.created": reporting.apply_timezone,
    "profile.updated": reporting.apply_timezone,
    "task.completed": reporting.apply_task_completed,
    "reflection.logged": reporting.apply_reflection_logged,
    "user.deleted": reporting.apply_user_deleted,
}


# One app, built once: building Flask apps in several threads at once trips a CPython 3.11 bug in
# ast.parse (werkzeug compiles each app's static route), which has nothing to do with what is tested.
APP = flask.Flask(__name__)


def deliver(serve: Any, body: bytes) -> int:
    with APP.test_request_context("/", method="POST", data=body, content_type="application/json"):
        return int(serve(flask.request).status_code)


def event(type_: str, user: str, at: str, data: dict[str, Any]) -> Event:
    return Event(str(uuid.uuid4()), type_, 1, at, user, {"userId": user, **data})


def history(user: str) -> list[Event]:
    """Sign-up in Paris, completions over the DST change, a move to New York, reflections."""
    events = [
        event("user.created", user, "2026-03-01T09:00:00Z",
              {"email": "h@example.com", "displayName": "H", "timezone": "Europe/Paris"}),
        event("profile.updated", user, "2026-03-29T22:30:00Z", {"displayName": "H", "timezone": "America/New_York"}),
    ]  # fmt: skip
    days = [("2026-03-20", "Europe/Paris"), ("2026-03-27", "Europe/Paris"), ("2026-03-28", "Europe/Paris"),
            ("2026-03-29", "Europe/Paris"), ("2026-03-30", "America/New_York")]  # fmt: skip
    for n, (day, zone) in enumerate(days, start=1):
        for program in ("mindful-7", "move-14"):
            events.append(event("task.completed", user, f"{day}T10:00:00Z", {
                "taskId": f"{program}-d{n}", "programId": program, "day": n, "date": day,
                "completedAt": f"{day}T10:00:00Z", "timezone": zone}))  # fmt: skip
    for n, (day, mood) in enumerate([("2026-03-01", 1), ("2026-03-25", 3), ("2026-03-29", 5)]):
        events.append(event("reflection.logged", user, f"{day}T20:00:00Z", {
            "reflectionId": f"r{n}", "mood": mood, "taskId": None, "date": day, "loggedAt": f"{day}T20:00:00Z",
            "timezone": "Europe/Paris"}))  # fmt: skip
    return events


@pytest.fixture
def handlers(runtime_for: Any) -> dict[str, Any]:
    runtime = runtime_for("postgres", FUNCTION_NAME=f"reporting-test-{uuid.uuid4().hex[:6]}")
    made = {t: subscriber(t, runtime, store="postgres")(apply) for t, apply in APPLY.items()}
    made["service"] = reporting.ReportingService(lambda: UnitOfWork(runtime.engine), clock=lambda: NOW)
    return made


def report(handlers: dict[str, Any], user: str) -> tuple[dict, dict]:
    service = handlers["service"]
    return service.summary(user), service.daily(user, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 100, None)


def redeliver(handlers: dict[str, Any], user: str, seed: int, *, deleted: bool = False) -> None:
    """Every event one to three times, shuffled (same seed, same order), some deliveries concurrent."""

    def send(e: Event, statuses: list[int]) -> None:
        statuses.append(deliver(handlers[e.type], push_body(e)))

    rng = random.Random(seed)
    events = history(user) + ([event("user.deleted", user, "2026-03-30T11:00:00Z", {})] if deleted else [])
    deliveries = [e for e in events for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)
    for i in range(0, len(deliveries), 4):
        batch = deliveries[i : i + 4]
        statuses: list[int] = []
        threads = [threading.Thread(target=send, args=(e, statuses)) for e in batch]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [204] * len(batch)


def test_in_order_once_gives_the_expected_report(handlers: dict[str, Any]) -> None:
    user = str(uuid.uuid4())
    for e in history(user):
        assert deliver(handlers[e.type], push_body(e)) == 204
    summary, daily = report(handlers, user)
    assert summary == {
        "currentStreak": 4, "longestStreak": 4, "tasksCompleted": 10, "reflectionsLogged": 3,
        "averageMood7d": 4.0, "averageMood30d": 3.0, "today": "2026-03-30"}  # fmt: skip
    by_day = {row["date"]: row for row in daily["items"]}
    assert len(daily["items"]) == 31 and daily["nextCursor"] is None
    assert by_day["2026-03-29"] == {"date": "2026-03-29", "tasksCompleted": 2, "reflectionsLogged": 1,
                                    "averageMood": 5.0}  # fmt: skip
    assert by_day["2026-03-21"]["tasksCompleted"] == 0 and by_day["2026-03-21"]["averageMood"] is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicated_redelivered_and_shuffled_events_give_the_same_report(handlers: dict[str, Any], seed: int) -> None:
    in_order, shuffled = str(uuid.uuid4()), str(uuid.uuid4())
    for e in history(in_order):
        deliver(handlers[e.type], push_body(e))
    redeliver(handlers, shuffled, seed)
    assert report(handlers, shuffled) == report(handlers, in_order)


@pytest.mark.parametrize("seed", [4, 5])
def test_user_deleted_anywhere_in_the_stream_leaves_nothing(handlers: dict[str, Any], seed: int) -> None:
    user = str(uuid.uuid4())
    redeliver(handlers, user, seed, deleted=True)
    summary, daily = report(handlers, user)
    assert (summary["tasksCompleted"], summary["reflectionsLogged"], summary["longestStreak"]) == (0, 0, 0)
    assert all(row["tasksCompleted"] == 0 and row["reflectionsLogged"] == 0 for row in daily["items"])
