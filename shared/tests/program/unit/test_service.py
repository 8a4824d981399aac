"""ProgramService on fakes: the catalog in pages, enrollment in the user's day, completions once with one event."""

import datetime as dt
import functools

import pytest

from wellness.platform.errors import ConflictError, NotFoundError, ValidationError
from wellness_testing.factories import at, new_user_id, profile_updated, user_created, user_deleted
from wellness_testing.fakes.program import fake_program_service

pytestmark = pytest.mark.unit

# 23:30 UTC on 27 November: already the 28th in Paris.
NOW = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)


def test_the_catalog_pages_by_id_and_a_bad_cursor_is_400() -> None:
    service, _ = fake_program_service()
    first = service.list_programs(1, None)
    assert [p["id"] for p in first["items"]] == ["mindful-7"]
    second = service.list_programs(1, first["nextCursor"])
    assert [p["id"] for p in second["items"]] == ["move-14"] and second["nextCursor"] is None
    assert len(service.get_program("move-14")["tasks"]) == 14
    with pytest.raises(ValidationError):
        service.list_programs(1, "not-a-cursor")
    with pytest.raises(NotFoundError):
        service.get_program("nope")


def test_enrollment_starts_on_the_users_local_day_once() -> None:
    service, uow = fake_program_service(clock=NOW)
    user = new_user_id()
    uow.run(lambda store: service.on_timezone(store, user_created(user, timezone="Europe/Paris")))
    assert service.enroll(user, "mindful-7")["startedOn"] == "2026-11-28"
    with pytest.raises(ConflictError):
        service.enroll(user, "mindful-7")
    assert service.tasks_on(user, None) == {
        "date": "2026-11-28",
        "items": [{"taskId": "mindful-7-d1", "programId": "mindful-7", "day": 1, "title": "Day 1", "completed": False}],
    }


def test_a_completion_is_made_once_and_publishes_one_event() -> None:
    service, uow = fake_program_service(clock=NOW)
    user = new_user_id()
    service.enroll(user, "mindful-7")
    first, created = service.complete(user, "mindful-7-d1", None)
    again, created_again = service.complete(user, "mindful-7-d1", None)
    assert (created, created_again) == (True, False) and first == again
    (event,) = uow.events("task.completed")
    assert (event.data["date"], event.data["timezone"], event.data["day"]) == ("2026-11-27", "UTC", 1)
    assert service.tasks_on(user, None)["items"][0]["completed"] is True


@pytest.mark.parametrize(
    ("task", "date", "error"),
    [
        ("mindful-7-d2", None, ConflictError),  # not due today
        ("mindful-7-d1", dt.date(2026, 11, 28), ConflictError),  # a future day
        ("move-14-d1", None, ConflictError),  # not enrolled
        ("mindful-7-d99", None, NotFoundError),
        ("nonsense", None, NotFoundError),
    ],
)
def test_what_cannot_be_completed_changes_nothing(task: str, date: dt.date | None, error: type) -> None:
    service, uow = fake_program_service(clock=NOW)
    user = new_user_id()
    service.enroll(user, "mindful-7")
    with pytest.raises(error):
        service.complete(user, task, date)
    assert uow.events("task.completed") == [] and service.tasks_on(user, None)["items"][0]["completed"] is False


def test_the_newest_zone_wins_whatever_the_order() -> None:
    service, uow = fake_program_service(clock=NOW)
    user = new_user_id()
    newer = at(profile_updated(user, timezone="Europe/Paris"), "2026-11-02T00:00:00Z")
    older = at(user_created(user, timezone="America/New_York"), "2026-11-01T00:00:00Z")
    for event in (newer, older):
        uow.run(functools.partial(service.on_timezone, event=event))
    assert service.tasks_on(user, None)["date"] == "2026-11-28"  # Paris


def test_user_deleted_erases_enrollments_completions_and_zone() -> None:
    service, uow = fake_program_service(clock=NOW)
    user = new_user_id()
    uow.run(lambda store: service.on_timezone(store, user_created(user, timezone="Europe/Paris")))
    service.enroll(user, "mindful-7")
    service.complete(user, "mindful-7-d1", None)
    uow.run(lambda store: service.on_user_deleted(store, user_deleted(user)))
    assert service.enrollments(user, 10, None) == {"items": [], "nextCursor": None}
    assert service.tasks_on(user, None) == {"date": "2026-11-27", "items": []}
