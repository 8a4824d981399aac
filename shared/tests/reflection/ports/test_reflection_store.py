"""The reflection store's contract, run against the fake and against Firestore (the emulator): the same cases."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable

import pytest

from wellness.profile.adapters import FirestoreProfileStore
from wellness.profile.model import Profile
from wellness.reflection.adapters import FirestoreReflectionStore
from wellness.reflection.model import Reflection
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.reflection import FakeReflectionStore, ReflectionState

T0 = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    fake = lambda: FakeUnitOfWork(FakeReflectionStore, ReflectionState())  # noqa: E731
    return contract_uow(fake, "firestore", FirestoreReflectionStore)


@pytest.fixture
def set_zone(backend: str, uow: Any, runtime_for: Callable[..., Any]) -> Callable[[str, str], None]:
    """set_zone(user, zone): the user's profile says `zone` (where the real store reads it: the profile domain's)."""

    def fake(user_id: str, zone: str) -> None:
        uow.state.zones[user_id] = zone

    def real(user_id: str, zone: str) -> None:
        profiles = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false").firestore_unit_of_work(FirestoreProfileStore)
        profile = Profile.new(user_id, "Ada", zone, at="2026-01-01T00:00:00.000000Z")
        profiles.run(lambda s: s.profiles.add(profile))

    return fake if backend == "fake" else real


def new_reflection(user_id: str, at: dt.datetime = T0, n: int = 0, reflection_id: str | None = None) -> Reflection:
    body = {"mood": 1 + n % 5, "text": f"r{n}", "tags": ["calm"]}
    return Reflection.new(reflection_id or str(uuid.uuid4()), user_id, body, "UTC", at=at)


def test_a_reflection_is_read_back_by_its_owner_only(uow: Any) -> None:
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    mine = new_reflection(me)
    uow.run(lambda s: s.reflections.add(mine))
    assert uow.read(lambda s: s.reflections.get(me, mine.id)) == mine
    assert uow.read(lambda s: s.reflections.get(other, mine.id)) is None
    assert uow.read(lambda s: s.reflections.get(me, str(uuid.uuid4()))) is None


def test_add_refuses_an_id_the_owner_has_already(uow: Any) -> None:
    me = str(uuid.uuid4())
    first = new_reflection(me)
    uow.run(lambda s: s.reflections.add(first))
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, Firestore's AlreadyExists
        uow.run(lambda s: s.reflections.add(new_reflection(me, n=3, reflection_id=first.id)))
    assert uow.read(lambda s: s.reflections.get(me, first.id)) == first


def test_delete_is_owner_only_and_repeatable(uow: Any) -> None:
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    mine = new_reflection(me)
    uow.run(lambda s: s.reflections.add(mine))
    uow.run(lambda s: s.reflections.delete(other, mine.id))  # names another's: nothing there
    assert uow.read(lambda s: s.reflections.get(me, mine.id)) == mine
    uow.run(lambda s: s.reflections.delete(me, mine.id))
    uow.run(lambda s: s.reflections.delete(me, mine.id))
    assert uow.read(lambda s: s.reflections.get(me, mine.id)) is None


def test_pages_come_newest_first_after_their_key_within_the_days(uow: Any) -> None:
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    # Two on one instant (the id decides), and days in and out of the range.
    times = [T0 - dt.timedelta(days=3), T0 - dt.timedelta(days=1), T0, T0, T0 + dt.timedelta(hours=1)]
    made = [new_reflection(me, at, n) for n, at in enumerate(times)]
    uow.run(lambda s: [s.reflections.add(r) for r in (*made, new_reflection(other))])
    newest_first = sorted(made, key=lambda r: r.page_key, reverse=True)

    def page(after: Any = None, limit: int = 10, date_from: Any = None, date_to: Any = None) -> list[Reflection]:
        return uow.read(
            lambda s: s.reflections.page(me, limit=limit, after=after, date_from=date_from, date_to=date_to)
        )

    assert page() == newest_first
    first = page(limit=2)
    assert first == newest_first[:2]
    assert page(after=first[-1].page_key, limit=2) == newest_first[2:4]
    assert page(after=newest_first[-1].page_key) == []
    day = T0.date()
    assert page(date_from=day, date_to=day) == [r for r in newest_first if r.date == day]
    assert page(date_from=day - dt.timedelta(days=1)) == [r for r in newest_first if r.date >= day - dt.timedelta(1)]
    assert page(date_to=day - dt.timedelta(days=2)) == [made[0]]
    assert page(date_from=dt.date(2999, 1, 1)) == []


def test_erasing_a_user_deletes_all_theirs_says_how_many_and_repeats(uow: Any) -> None:
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    theirs = new_reflection(other)
    uow.run(lambda s: [s.reflections.add(r) for r in (*(new_reflection(me, n=n) for n in range(3)), theirs)])
    assert uow.run(lambda s: s.reflections.erase_user(me)) == 3
    assert uow.run(lambda s: s.reflections.erase_user(me)) == 0
    assert uow.read(lambda s: s.reflections.page(me, limit=10, after=None, date_from=None, date_to=None)) == []
    assert uow.read(lambda s: s.reflections.get(other, theirs.id)) == theirs


def test_the_zone_is_the_profile_s_and_utc_until_there_is_one(uow: Any, set_zone: Callable[[str, str], None]) -> None:
    tokyo, newcomer = str(uuid.uuid4()), str(uuid.uuid4())
    set_zone(tokyo, "Asia/Tokyo")
    assert uow.read(lambda s: (s.zones.of(tokyo), s.zones.of(newcomer))) == ("Asia/Tokyo", "UTC")
