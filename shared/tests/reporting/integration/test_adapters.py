"""Reporting on real PostgreSQL: duplicated, redelivered and shuffled events (some delivered at once) give the
exact same report (what the store itself must do is its contract suite, ../ports)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from typing import Any, Callable, NamedTuple

import flask
import pytest

from wellness.platform.events import Event
from wellness.platform.subscriber import subscriber
from wellness.reporting.adapters import PostgresReportingStore
from wellness.reporting.ports import ReportingStore
from wellness.reporting.service import ReportingService
from wellness_testing.factories import (
    at,
    profile_updated,
    reflection_logged,
    task_completed,
    user_created,
    user_deleted,
)
from wellness_testing.push import deliver, push_body

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)  # the day after Europe's spring-forward
HANDLERS = {
    "user.created": ReportingService.on_user_created,
    "profile.updated": ReportingService.on_profile_updated,
    "task.completed": ReportingService.on_task_completed,
    "reflection.logged": ReportingService.on_reflection_logged,
    "user.deleted": ReportingService.on_user_deleted,
}
Serve = Callable[[flask.Request], flask.Response]


class Reporting(NamedTuple):
    service: ReportingService
    subscribers: dict[str, Serve]  # by event type


def history(user: str) -> list[Event]:
    """Sign-up in Paris, completions over the DST change, a move to New York, reflections."""
    events = [
        at(user_created(user, timezone="Europe/Paris"), "2026-03-01T09:00:00Z"),
        at(profile_updated(user, timezone="America/New_York"), "2026-03-29T22:30:00Z"),
    ]
    days = [
        ("2026-03-20", "Europe/Paris"),
        ("2026-03-27", "Europe/Paris"),
        ("2026-03-28", "Europe/Paris"),
        ("2026-03-29", "Europe/Paris"),
        ("2026-03-30", "America/New_York"),
    ]
    for n, (day, zone) in enumerate(days, start=1):
        for program in ("mindful-7", "move-14"):
            completed = task_completed(
                user,
                date=day,
                taskId=f"{program}-d{n}",
                programId=program,
                day=n,
                completedAt=f"{day}T10:00:00Z",
                timezone=zone,
            )
            events.append(at(completed, f"{day}T10:00:00Z"))
    for n, (day, mood) in enumerate([("2026-03-01", 1), ("2026-03-25", 3), ("2026-03-29", 5)]):
        logged = reflection_logged(user, date=day, reflectionId=f"r{n}", mood=mood, timezone="Europe/Paris")
        events.append(at(logged, f"{day}T20:00:00Z"))
    return events


@pytest.fixture
def reporting(runtime_for: Any) -> Reporting:
    """The service on real PostgreSQL at NOW, and a real subscriber for each event type it handles."""
    runtime = runtime_for("postgres", FUNCTION_NAME=f"reporting-test-{uuid.uuid4().hex[:6]}")
    service = ReportingService(runtime.postgres_unit_of_work(PostgresReportingStore), clock=lambda: NOW)

    def subscribe(event_type: str) -> Serve:
        @subscriber(event_type, runtime, service.unit_of_work)
        def serve(event: Event, store: ReportingStore) -> None:
            HANDLERS[event.type](service, store, event)

        return serve

    return Reporting(service, {event_type: subscribe(event_type) for event_type in HANDLERS})


def report(reporting: Reporting, user: str) -> tuple[dict[str, Any], dict[str, Any]]:
    service = reporting.service
    return service.summary(user), service.daily(user, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 100, None)


def redeliver(reporting: Reporting, user: str, seed: int, *, deleted: bool = False) -> None:
    """Every event one to three times, shuffled (same seed, same order), some deliveries concurrent."""

    def send(e: Event, statuses: list[int]) -> None:
        statuses.append(deliver(reporting.subscribers[e.type], push_body(e)))

    rng = random.Random(seed)
    events = history(user) + ([at(user_deleted(user), "2026-03-30T11:00:00Z")] if deleted else [])
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


def test_in_order_once_gives_the_expected_report(reporting: Reporting) -> None:
    user = str(uuid.uuid4())
    for e in history(user):
        assert deliver(reporting.subscribers[e.type], push_body(e)) == 204
    summary, daily = report(reporting, user)
    assert summary == {
        "currentStreak": 4,
        "longestStreak": 4,
        "tasksCompleted": 10,
        "reflectionsLogged": 3,
        "averageMood7d": 4.0,
        "averageMood30d": 3.0,
        "today": "2026-03-30",
    }
    by_day = {row["date"]: row for row in daily["items"]}
    assert len(daily["items"]) == 31 and daily["nextCursor"] is None
    assert by_day["2026-03-29"] == {
        "date": "2026-03-29",
        "tasksCompleted": 2,
        "reflectionsLogged": 1,
        "averageMood": 5.0,
    }
    assert by_day["2026-03-21"]["tasksCompleted"] == 0 and by_day["2026-03-21"]["averageMood"] is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicated_redelivered_and_shuffled_events_give_the_same_report(reporting: Reporting, seed: int) -> None:
    in_order, shuffled = str(uuid.uuid4()), str(uuid.uuid4())
    for e in history(in_order):
        deliver(reporting.subscribers[e.type], push_body(e))
    redeliver(reporting, shuffled, seed)
    assert report(reporting, shuffled) == report(reporting, in_order)


@pytest.mark.parametrize("seed", [4, 5])
def test_user_deleted_anywhere_in_the_stream_leaves_nothing(reporting: Reporting, seed: int) -> None:
    user = str(uuid.uuid4())
    redeliver(reporting, user, seed, deleted=True)
    summary, daily = report(reporting, user)
    assert (summary["tasksCompleted"], summary["reflectionsLogged"], summary["longestStreak"]) == (0, 0, 0)
    assert all(row["tasksCompleted"] == 0 and row["reflectionsLogged"] == 0 for row in daily["items"])
