"""ReportingService on fakes: reports in the user's zone from facts recorded once, in any order, none after deletion."""

import datetime as dt
import random
from typing import Any, Callable

import pytest

from wellness.platform.errors import ValidationError
from wellness.platform.events import Event
from wellness.platform.paging import encode
from wellness.platform.subscriber import deliver
from wellness.reporting.service import ReportingService
from wellness_testing.factories import (
    at,
    new_user_id,
    profile_updated,
    reflection_logged,
    task_completed,
    user_created,
    user_deleted,
)
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.reporting import FakeReportingStore, ReportingState, fake_reporting_service

pytestmark = pytest.mark.unit

# 23:30 UTC on 27 November: already the 28th in Paris and Tokyo, still the 27th in New York.
NOW = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)
HANDLERS = {
    "user.created": ReportingService.on_user_created,
    "profile.updated": ReportingService.on_profile_updated,
    "task.completed": ReportingService.on_task_completed,
    "reflection.logged": ReportingService.on_reflection_logged,
    "user.deleted": ReportingService.on_user_deleted,
}


def apply(service: ReportingService, uow: FakeUnitOfWork[FakeReportingStore, ReportingState], *events: Event) -> None:
    """Each event in its own transaction, as its subscriber applies it (with the platform's tombstone)."""
    for event in events:
        handler = HANDLERS[event.type]

        def work(store: FakeReportingStore, e: Event = event, h: Any = handler) -> str:
            return deliver(store, e.type, e, lambda e, s: h(service, s, e))

        uow.run(work)


def completed(user: str, date: str, task: str = "mindful-7-d1", timezone: str = "Europe/Paris") -> Event:
    return task_completed(user, date=date, taskId=task, timezone=timezone)


def logged(user: str, date: str, mood: int, reflection: str | None = None) -> Event:
    named = {"reflectionId": reflection} if reflection else {}
    return reflection_logged(user, date=date, mood=mood, **named)


def test_the_summary_of_streaks_totals_and_moods_in_the_users_zone() -> None:
    service, uow = fake_reporting_service(clock=NOW)
    user = new_user_id()
    apply(service, uow, user_created(user, timezone="Europe/Paris"))
    apply(service, uow, *(completed(user, day) for day in ("2026-11-28", "2026-11-27", "2026-11-26", "2026-11-23")))
    apply(service, uow, completed(user, "2026-11-27", task="move-14-d1"))
    apply(service, uow, logged(user, "2026-11-28", 5), logged(user, "2026-11-25", 4), logged(user, "2026-11-08", 1))
    apply(service, uow, logged(user, "2026-10-01", 2))  # counted, but older than 30 days: in neither average
    assert service.summary(user) == {
        "currentStreak": 3,
        "longestStreak": 3,
        "tasksCompleted": 5,
        "reflectionsLogged": 4,
        "averageMood7d": 4.5,
        "averageMood30d": 3.33,
        "today": "2026-11-28",
    }


def test_a_new_user_has_an_empty_summary_in_utc() -> None:
    service, _ = fake_reporting_service(clock=NOW)
    assert service.summary(new_user_id()) == {
        "currentStreak": 0,
        "longestStreak": 0,
        "tasksCompleted": 0,
        "reflectionsLogged": 0,
        "averageMood7d": None,
        "averageMood30d": None,
        "today": "2026-11-27",
    }


def test_the_daily_report_has_a_row_per_day_in_pages() -> None:
    service, uow = fake_reporting_service(clock=NOW)
    user, first, last = new_user_id(), dt.date(2026, 11, 1), dt.date(2026, 11, 5)
    apply(service, uow, completed(user, "2026-11-02"), completed(user, "2026-11-02", task="move-14-d1"))
    apply(service, uow, completed(user, "2026-10-31"), completed(user, "2026-11-06"))  # outside the range
    apply(service, uow, logged(user, "2026-11-02", 5), logged(user, "2026-11-02", 2), logged(user, "2026-11-04", 3))
    page = service.daily(user, first, last, 3, None)
    assert page["items"] == [
        {"date": "2026-11-01", "tasksCompleted": 0, "reflectionsLogged": 0, "averageMood": None},
        {"date": "2026-11-02", "tasksCompleted": 2, "reflectionsLogged": 2, "averageMood": 3.5},
        {"date": "2026-11-03", "tasksCompleted": 0, "reflectionsLogged": 0, "averageMood": None},
    ]
    rest = service.daily(user, first, last, 3, page["nextCursor"])
    assert [d["date"] for d in rest["items"]] == ["2026-11-04", "2026-11-05"] and rest["nextCursor"] is None
    assert rest["items"][0] == {"date": "2026-11-04", "tasksCompleted": 0, "reflectionsLogged": 1, "averageMood": 3.0}
    whole = service.daily(user, first, last, 5, None)
    assert len(whole["items"]) == 5 and whole["nextCursor"] is None


@pytest.mark.parametrize(
    ("first", "last", "cursor", "code"),
    [
        ("2026-11-05", "2026-11-01", None, "invalid_range"),  # ends before it starts
        ("2026-01-01", "2026-12-31", None, "invalid_range"),  # longer than 92 days
        ("2026-11-01", "2026-11-05", "bad", "invalid_cursor"),
        ("2026-11-01", "2026-11-05", encode(["not-a-date"]), "invalid_cursor"),
        ("2026-11-01", "2026-11-05", encode(["9999-12-31"]), "invalid_cursor"),  # tampered: never a crash
        ("2026-11-01", "2026-11-05", encode(["2026-10-31"]), "invalid_cursor"),  # before the range
        ("2026-11-01", "2026-11-05", encode(["2026-11-05"]), "invalid_cursor"),  # the last day: nothing follows
        ("9999-12-30", "9999-12-31", encode(["9999-12-31"]), "invalid_cursor"),
    ],
)
def test_bad_ranges_and_cursors_are_400(first: str, last: str, cursor: str | None, code: str) -> None:
    service, _ = fake_reporting_service(clock=NOW)
    with pytest.raises(ValidationError) as error:
        service.daily(new_user_id(), dt.date.fromisoformat(first), dt.date.fromisoformat(last), 10, cursor)
    assert error.value.code == code


def test_the_last_page_of_the_last_possible_days() -> None:
    service, _ = fake_reporting_service(clock=NOW)
    user, first, last = new_user_id(), dt.date(9999, 12, 30), dt.date(9999, 12, 31)
    page = service.daily(user, first, last, 1, None)
    rest = service.daily(user, first, last, 1, page["nextCursor"])
    assert [d["date"] for d in rest["items"]] == ["9999-12-31"] and rest["nextCursor"] is None


def test_a_completion_counts_once_per_task_and_day_and_a_reflection_once() -> None:
    service, uow = fake_reporting_service(clock=NOW)
    user = new_user_id()
    event = completed(user, "2026-11-27")
    apply(service, uow, event, event, completed(user, "2026-11-27"))  # redelivered, and a second event for the same
    apply(service, uow, completed(user, "2026-11-26"))
    reflection = logged(user, "2026-11-27", 4, reflection="r1")
    apply(service, uow, reflection, reflection, logged(user, "2026-11-27", 1, reflection="r1"))
    summary = service.summary(user)
    assert (summary["tasksCompleted"], summary["reflectionsLogged"], summary["averageMood7d"]) == (2, 1, 4.0)


def history(user: str) -> list[Event]:
    """Sign-up in Paris, completions and reflections over a week, a move to New York."""
    events = [
        at(user_created(user, timezone="Europe/Paris"), "2026-11-01T09:00:00Z"),
        at(profile_updated(user, timezone="America/New_York"), "2026-11-25T12:00:00Z"),
    ]
    for n, day in enumerate(("2026-11-20", "2026-11-21", "2026-11-22", "2026-11-26", "2026-11-27"), start=1):
        zone = "America/New_York" if day >= "2026-11-26" else "Europe/Paris"
        events += [completed(user, day, f"mindful-7-d{n}", zone), completed(user, day, f"move-14-d{n}", zone)]
    for day, mood in (("2026-11-02", 1), ("2026-11-22", 3), ("2026-11-27", 5)):
        events.append(logged(user, day, mood, reflection=f"r{day}"))
    return events


def report(service: ReportingService, user: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return service.summary(user), service.daily(user, dt.date(2026, 11, 1), dt.date(2026, 11, 30), 100, None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicated_and_shuffled_events_give_the_same_report(seed: int) -> None:
    service, uow = fake_reporting_service(clock=NOW)
    in_order, shuffled = new_user_id(), new_user_id()
    apply(service, uow, *history(in_order))
    rng = random.Random(seed)
    deliveries = [e for e in history(shuffled) for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)
    apply(service, uow, *deliveries)
    summary, daily = report(service, shuffled)
    assert (summary, daily) == report(service, in_order)
    assert (summary["today"], summary["currentStreak"], summary["tasksCompleted"]) == ("2026-11-27", 2, 10)


def test_the_newest_zone_wins_whatever_the_order() -> None:
    newer_last, older_last = new_user_id(), new_user_id()
    service, uow = fake_reporting_service(clock=NOW)
    for user, order in ((newer_last, (0, 1)), (older_last, (1, 0))):
        events = [
            at(user_created(user, timezone="America/New_York"), "2026-11-01T00:00:00Z"),
            at(profile_updated(user, timezone="Asia/Tokyo"), "2026-11-02T00:00:00Z"),
        ]
        apply(service, uow, *(events[i] for i in order))
    assert service.summary(newer_last)["today"] == service.summary(older_last)["today"] == "2026-11-28"  # Tokyo


@pytest.mark.parametrize("fact", [completed, lambda user, day: logged(user, day, 3)], ids=["task", "reflection"])
def test_a_facts_zone_stands_in_until_user_created_or_profile_updated_names_one(fact: Callable[..., Event]) -> None:
    service, uow = fake_reporting_service(clock=NOW)
    named_after, named_before = new_user_id(), new_user_id()
    apply(service, uow, fact(named_after, "2026-11-27"))  # the fact's zone: Paris
    assert service.summary(named_after)["today"] == "2026-11-28"
    apply(service, uow, at(user_created(named_after, timezone="America/New_York"), "2020-01-01T00:00:00Z"))
    apply(service, uow, at(profile_updated(named_before, timezone="America/New_York"), "2020-01-01T00:00:00Z"))
    apply(service, uow, fact(named_before, "2026-11-27"))
    assert service.summary(named_after)["today"] == service.summary(named_before)["today"] == "2026-11-27"  # New York


def test_user_deleted_erases_the_user_and_late_events_are_dropped() -> None:
    service, uow = fake_reporting_service(clock=NOW)
    user, other = new_user_id(), new_user_id()
    for who in (user, other):
        apply(service, uow, user_created(who, timezone="Asia/Tokyo"), completed(who, "2026-11-27"))
        apply(service, uow, logged(who, "2026-11-27", 4))
    deleted = at(user_deleted(user), "2026-11-27T20:00:00Z")
    apply(service, uow, deleted, at(user_deleted(user), "2026-11-27T21:00:00Z"))
    late = (completed(user, "2026-11-28"), logged(user, "2026-11-28", 5), profile_updated(user, timezone="Asia/Tokyo"))
    apply(service, uow, *late, user_created(user, timezone="Asia/Tokyo"))
    assert service.summary(user) == {
        "currentStreak": 0,
        "longestStreak": 0,
        "tasksCompleted": 0,
        "reflectionsLogged": 0,
        "averageMood7d": None,
        "averageMood30d": None,
        "today": "2026-11-27",
    }  # no zone any more: UTC
    days = service.daily(user, dt.date(2026, 11, 27), dt.date(2026, 11, 28), 10, None)["items"]
    assert [(d["tasksCompleted"], d["reflectionsLogged"]) for d in days] == [(0, 0), (0, 0)]
    assert isinstance(uow.state, ReportingState) and user not in uow.state.users
    assert service.summary(other)["tasksCompleted"] == 1 and service.summary(other)["today"] == "2026-11-28"
