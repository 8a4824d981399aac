"""The reporting store's contract, run against the fake and against PostgreSQL: the same cases."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable

import pytest

from wellness.reporting.adapters import PostgresReportingStore
from wellness.reporting.model import Completion, Reflection
from wellness.reporting.service import FALLBACK_AS_OF
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.reporting import FakeReportingStore, ReportingState

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 27)
BEFORE = DAY - dt.timedelta(days=1)


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    return contract_uow(
        lambda: FakeUnitOfWork(FakeReportingStore, ReportingState()), "postgres", PostgresReportingStore
    )


def test_completions_count_once_per_task_and_day_within_the_days_asked(uow: Any) -> None:
    user = str(uuid.uuid4())
    for _ in range(2):  # a redelivered event
        uow.run(lambda s: s.facts.add_completion(user, Completion("mindful-7-d1", DAY, T0)))
    uow.run(lambda s: s.facts.add_completion(user, Completion("mindful-7-d1", DAY, T0 + dt.timedelta(hours=1))))
    uow.run(lambda s: s.facts.add_completion(user, Completion("mindful-7-d1", BEFORE, T0)))
    uow.run(lambda s: s.facts.add_completion(user, Completion("move-14-d1", DAY, T0)))
    assert uow.read(lambda s: s.facts.completions_per_day(user)) == {DAY: 2, BEFORE: 1}
    assert uow.read(lambda s: s.facts.completions_per_day(user, DAY, DAY)) == {DAY: 2}
    assert uow.read(lambda s: s.facts.completions_per_day(user, None, BEFORE)) == {BEFORE: 1}
    assert uow.read(lambda s: s.facts.completions_per_day(user, DAY + dt.timedelta(days=1))) == {}
    assert uow.read(lambda s: s.facts.completions_per_day(str(uuid.uuid4()))) == {}


def test_a_reflection_counts_once_by_id_and_the_first_mood_stays(uow: Any) -> None:
    user = str(uuid.uuid4())
    uow.run(lambda s: s.facts.add_reflection(user, Reflection("r1", DAY, 4)))
    uow.run(lambda s: s.facts.add_reflection(user, Reflection("r1", DAY, 1)))  # same id: changes nothing
    uow.run(lambda s: s.facts.add_reflection(user, Reflection("r2", BEFORE, 2)))
    both = uow.read(lambda s: s.facts.reflections(user, BEFORE, DAY))
    assert sorted(both, key=lambda r: r.reflection_id) == [Reflection("r1", DAY, 4), Reflection("r2", BEFORE, 2)]
    assert uow.read(lambda s: s.facts.reflections(user, DAY, DAY)) == [Reflection("r1", DAY, 4)]
    assert uow.read(lambda s: (s.facts.reflection_count(user), s.facts.reflection_count(str(uuid.uuid4())))) == (2, 0)


def test_the_zone_of_the_newest_event_is_kept(uow: Any) -> None:
    user = str(uuid.uuid4())
    assert uow.read(lambda s: s.zones.get(user)) is None
    uow.run(lambda s: s.zones.remember(user, "Asia/Tokyo", FALLBACK_AS_OF))  # a fact's stand-in, before any event
    assert uow.read(lambda s: s.zones.get(user)) == "Asia/Tokyo"
    uow.run(lambda s: s.zones.remember(user, "Europe/Paris", T0 + dt.timedelta(days=1)))
    uow.run(lambda s: s.zones.remember(user, "Asia/Tokyo", T0))  # older: ignored
    uow.run(lambda s: s.zones.remember(user, "Asia/Tokyo", FALLBACK_AS_OF))  # the stand-in never wins
    assert uow.read(lambda s: s.zones.get(user)) == "Europe/Paris"


def test_erasing_a_user_leaves_nothing_of_them_and_everything_of_others(uow: Any) -> None:
    user, other = str(uuid.uuid4()), str(uuid.uuid4())

    def arrange(store: Any) -> None:
        for who in (user, other):
            store.facts.add_completion(who, Completion("mindful-7-d1", DAY, T0))
            store.facts.add_reflection(who, Reflection(f"r-{who}", DAY, 3))
            store.zones.remember(who, "Europe/Paris", T0)

    uow.run(arrange)
    for _ in range(2):  # a redelivered user.deleted finds nothing more
        uow.run(lambda s: s.erase_user(user))

    def left(store: Any, who: str) -> tuple[Any, ...]:
        return store.facts.completions_per_day(who), store.facts.reflection_count(who), store.zones.get(who)

    assert uow.read(lambda s: left(s, user)) == ({}, 0, None)
    assert uow.read(lambda s: left(s, other)) == ({DAY: 1}, 1, "Europe/Paris")
