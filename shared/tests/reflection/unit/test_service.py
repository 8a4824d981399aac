"""ReflectionService on fakes: log in the profile's zone with its event, page and filter your own, erase on deletion."""

import datetime as dt
from typing import Callable

import pytest

from wellness.platform.errors import NotFoundError, ValidationError
from wellness.platform.events import InvalidEventError
from wellness.platform.paging import encode
from wellness_testing.factories import new_user_id, user_deleted
from wellness_testing.fakes.reflection import fake_reflection_service

pytestmark = pytest.mark.unit

SECRET = "my very private journal line"


def ticking(start: dt.datetime, step: dt.timedelta = dt.timedelta(hours=1)) -> Callable[[], dt.datetime]:
    """A clock that moves on by `step` each time it is read."""
    now = [start - step]

    def clock() -> dt.datetime:
        now[0] += step
        return now[0]

    return clock


def test_create_stores_the_reflection_and_its_event_in_the_profile_s_zone() -> None:
    ada = new_user_id()
    service, uow = fake_reflection_service(dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC), {ada: "Asia/Tokyo"})
    made = service.create(ada, {"mood": 4, "text": SECRET, "tags": ["calm", " calm"], "taskId": "mindful-7-d1"})
    assert (made["mood"], made["text"], made["tags"], made["taskId"], made["date"]) == (
        4,
        SECRET,
        ["calm"],
        "mindful-7-d1",
        "2026-01-02",
    )
    assert service.get(ada, made["id"]) == made
    (event,) = uow.events("reflection.logged")
    assert event.user_id == ada
    assert event.data == {
        "userId": ada,
        "reflectionId": made["id"],
        "mood": 4,
        "taskId": "mindful-7-d1",
        "date": "2026-01-02",
        "loggedAt": made["createdAt"],
        "timezone": "Asia/Tokyo",
    }
    assert uow.commits == 1


def test_the_journal_text_never_leaves_the_reflection() -> None:
    service, uow = fake_reflection_service()
    service.create(new_user_id(), {"mood": 2, "text": SECRET, "tags": ["private-tag"]})
    (event,) = uow.published
    assert SECRET not in event.to_json().decode() and "private-tag" not in event.to_json().decode()


def test_without_a_profile_the_day_is_taken_in_utc() -> None:
    service, uow = fake_reflection_service(dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC))
    assert service.create(new_user_id(), {"mood": 3, "text": "x"})["date"] == "2026-01-01"
    assert uow.published[0].data["timezone"] == "UTC"


def test_a_failed_create_stores_nothing_and_publishes_nothing() -> None:
    service, uow = fake_reflection_service()
    me = new_user_id()
    with pytest.raises(InvalidEventError):
        service.create(me, {"mood": 9, "text": "x"})  # its event fails the schema after the write
    assert service.list_page(me, limit=10)["items"] == [] and uow.published == []


def test_get_and_delete_are_owner_only() -> None:
    service, _ = fake_reflection_service()
    me, other = new_user_id(), new_user_id()
    made = service.create(me, {"mood": 3, "text": "x"})
    for call in (service.get, service.delete):
        with pytest.raises(NotFoundError, match="no such reflection"):
            call(other, made["id"])
    assert service.get(me, made["id"]) == made
    service.delete(me, made["id"])
    for call in (service.get, service.delete):
        with pytest.raises(NotFoundError):
            call(me, made["id"])


def test_pages_newest_first_only_mine_with_a_cursor() -> None:
    service, _ = fake_reflection_service(ticking(dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC), dt.timedelta(hours=20)))
    me, other = new_user_id(), new_user_id()
    mine = [service.create(me, {"mood": 3, "text": f"r{n}"})["id"] for n in range(5)]
    service.create(other, {"mood": 3, "text": "not mine"})
    seen, page = [], service.list_page(me, limit=2)
    while True:
        assert len(page["items"]) <= 2
        seen += [r["id"] for r in page["items"]]
        if page["nextCursor"] is None:
            break
        page = service.list_page(me, limit=2, cursor=page["nextCursor"])
    assert seen == list(reversed(mine))
    assert service.list_page(other, limit=10)["nextCursor"] is None


def test_the_same_day_sorts_by_time_and_a_full_last_page_has_no_cursor() -> None:
    service, _ = fake_reflection_service(ticking(dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC), dt.timedelta(minutes=1)))
    me = new_user_id()
    made = [service.create(me, {"mood": 3, "text": "x"})["id"] for _ in range(3)]
    page = service.list_page(me, limit=3)
    assert [r["id"] for r in page["items"]] == list(reversed(made)) and page["nextCursor"] is None


def test_a_date_range_keeps_the_local_days_asked_for() -> None:
    service, _ = fake_reflection_service(ticking(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), dt.timedelta(days=1)))
    me = new_user_id()
    days = {service.create(me, {"mood": 3, "text": "x"})["date"]: None for _ in range(4)}
    assert list(days) == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]

    def dates(date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[str]:
        return [r["date"] for r in service.list_page(me, limit=10, date_from=date_from, date_to=date_to)["items"]]

    assert dates(date_from=dt.date(2026, 1, 2), date_to=dt.date(2026, 1, 3)) == ["2026-01-03", "2026-01-02"]
    assert dates(date_from=dt.date(2026, 1, 4)) == ["2026-01-04"]
    assert dates(date_to=dt.date(2026, 1, 1)) == ["2026-01-01"]
    assert dates(date_from=dt.date(2999, 1, 1)) == []


@pytest.mark.parametrize(
    "cursor", ["nonsense", encode(["2026-01-02", "r2"]), encode([True, True, True]), encode(["a", "b", "c", "d"])]
)
def test_a_cursor_carrying_garbage_is_400(cursor: str) -> None:
    service, _ = fake_reflection_service()
    with pytest.raises(ValidationError) as error:
        service.list_page(new_user_id(), limit=2, cursor=cursor)
    assert error.value.code == "invalid_cursor" and error.value.status == 400


def test_user_deleted_erases_every_reflection_of_the_user_and_is_harmless_twice() -> None:
    service, uow = fake_reflection_service()
    gone, stays = new_user_id(), new_user_id()
    for n in range(3):
        service.create(gone, {"mood": 3, "text": f"r{n}"})
    kept = service.create(stays, {"mood": 3, "text": "mine"})
    for _ in range(2):
        uow.run(lambda store: service.on_user_deleted(store, user_deleted(gone)))
    assert service.list_page(gone, limit=10)["items"] == []
    assert [r["id"] for r in service.list_page(stays, limit=10)["items"]] == [kept["id"]]
    assert uow.events("reflection.logged") == uow.published  # erasing publishes nothing
