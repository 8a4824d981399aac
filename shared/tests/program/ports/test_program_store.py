"""The program store's contract, run against the fake and against PostgreSQL: the same cases.

The fake seeds two of the migration's programs (mindful-7, move-14); the cases read only those.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any, Callable

import pytest

from wellness.program.adapters import PostgresProgramStore
from wellness.program.model import Completion, Enrollment
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.program import FakeProgramStore, ProgramState

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 27)


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    return contract_uow(lambda: FakeUnitOfWork(FakeProgramStore, ProgramState()), "postgres", PostgresProgramStore)


def test_catalog_pages_programs_in_id_order(uow: Any) -> None:
    first = uow.read(lambda s: s.catalog.programs(after=None, limit=2))
    assert [p.id for p in first] == ["mindful-7", "move-14"]
    assert [p.id for p in uow.read(lambda s: s.catalog.programs(after="mindful-7", limit=1))] == ["move-14"]
    assert uow.read(lambda s: s.catalog.program("mindful-7")).duration_days == 7
    assert uow.read(lambda s: s.catalog.program("no-such-program")) is None


def test_catalog_tasks_come_in_day_order_and_by_id_in_the_order_asked(uow: Any) -> None:
    tasks = uow.read(lambda s: s.catalog.tasks("mindful-7"))
    assert [(t.id, t.day, t.program_id) for t in tasks] == [(f"mindful-7-d{n}", n, "mindful-7") for n in range(1, 8)]
    assert uow.read(lambda s: s.catalog.tasks("no-such-program")) == []
    assert uow.read(lambda s: s.catalog.task("move-14-d3")).day == 3
    assert uow.read(lambda s: s.catalog.task("no-such-task")) is None
    wanted = ["move-14-d14", "no-such-task", "mindful-7-d1", "move-14-d2"]
    by_id = uow.read(lambda s: s.catalog.tasks_by_id(wanted))
    assert [(t.id, t.day) for t in by_id] == [("move-14-d14", 14), ("mindful-7-d1", 1), ("move-14-d2", 2)]
    assert uow.read(lambda s: s.catalog.tasks_by_id([])) == []


def test_an_enrollment_is_made_once_and_named_by_its_program(uow: Any) -> None:
    user = str(uuid.uuid4())
    made = uow.run(lambda s: s.enrollments.add(user, "move-14", DAY))
    assert dataclasses.replace(made, enrolled_at=None) == Enrollment("move-14", DAY, 14, "Move every day")
    assert made.enrolled_at is not None
    assert uow.run(lambda s: s.enrollments.add(user, "move-14", DAY + dt.timedelta(days=1))) is None
    (kept,) = uow.read(lambda s: s.enrollments.of_user(user))
    assert kept == made  # the first one stays, started on its own day


def test_a_user_s_enrollments_page_in_program_order_and_are_removed_once(uow: Any) -> None:
    user, other = str(uuid.uuid4()), str(uuid.uuid4())
    uow.run(lambda s: [s.enrollments.add(user, p, DAY) for p in ("move-14", "mindful-7")])
    uow.run(lambda s: s.enrollments.add(other, "move-14", DAY))
    assert [e.program_id for e in uow.read(lambda s: s.enrollments.of_user(user))] == ["mindful-7", "move-14"]
    assert [e.program_id for e in uow.read(lambda s: s.enrollments.of_user(user, limit=1))] == ["mindful-7"]
    rest = uow.read(lambda s: s.enrollments.of_user(user, after="mindful-7", limit=1))
    assert [e.program_id for e in rest] == ["move-14"]
    assert uow.run(lambda s: s.enrollments.remove(user, "move-14")) is True
    assert uow.run(lambda s: s.enrollments.remove(user, "move-14")) is False
    assert [e.program_id for e in uow.read(lambda s: s.enrollments.of_user(user))] == ["mindful-7"]
    assert [e.program_id for e in uow.read(lambda s: s.enrollments.of_user(other))] == ["move-14"]


def test_a_completion_is_made_once_per_task_and_day_and_keeps_its_first_time(uow: Any) -> None:
    user = str(uuid.uuid4())
    first = uow.run(lambda s: s.completions.add(user, "mindful-7-d1", DAY, T0))
    again = uow.run(lambda s: s.completions.add(user, "mindful-7-d1", DAY, T0 + dt.timedelta(hours=1)))
    assert first == (Completion("mindful-7-d1", DAY, T0), True)
    assert again == (Completion("mindful-7-d1", DAY, T0), False)
    later = uow.run(lambda s: s.completions.add(user, "mindful-7-d1", DAY + dt.timedelta(days=1), T0))
    assert later[1] is True  # another day is another completion
    asked = ["mindful-7-d1", "mindful-7-d2"]
    assert uow.read(lambda s: s.completions.done_on(user, DAY, asked)) == {"mindful-7-d1"}
    assert uow.read(lambda s: s.completions.done_on(str(uuid.uuid4()), DAY, asked)) == set()
    assert uow.read(lambda s: s.completions.done_on(user, DAY, [])) == set()


def test_the_zone_of_the_newest_event_is_kept(uow: Any) -> None:
    user = str(uuid.uuid4())
    assert uow.read(lambda s: s.zones.get(user)) is None
    uow.run(lambda s: s.zones.remember(user, "Europe/Paris", T0 + dt.timedelta(days=1)))
    uow.run(lambda s: s.zones.remember(user, "Asia/Tokyo", T0))  # older: ignored
    assert uow.read(lambda s: s.zones.get(user)) == "Europe/Paris"
    uow.run(lambda s: s.zones.remember(user, "America/New_York", T0 + dt.timedelta(days=2)))
    assert uow.read(lambda s: s.zones.get(user)) == "America/New_York"


def test_erasing_a_user_leaves_nothing_of_them_and_everything_of_others(uow: Any) -> None:
    user, other = str(uuid.uuid4()), str(uuid.uuid4())

    def arrange(store: Any) -> None:
        for who in (user, other):
            store.enrollments.add(who, "mindful-7", DAY)
            store.completions.add(who, "mindful-7-d1", DAY, T0)
            store.zones.remember(who, "Europe/Paris", T0)

    uow.run(arrange)
    uow.run(lambda s: s.erase_user(user))
    uow.run(lambda s: s.erase_user(user))  # again: nothing left to do

    def left(store: Any, who: str) -> tuple[Any, ...]:
        done = store.completions.done_on(who, DAY, ["mindful-7-d1"])
        return [e.program_id for e in store.enrollments.of_user(who)], done, store.zones.get(who)

    assert uow.read(lambda s: left(s, user)) == ([], set(), None)
    assert uow.read(lambda s: left(s, other)) == (["mindful-7"], {"mindful-7-d1"}, "Europe/Paris")
