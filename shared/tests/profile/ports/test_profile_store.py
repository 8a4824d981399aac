"""The profile store's contract, run against the fake and against Firestore (the emulator): the same cases."""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from wellness.profile.adapters import FirestoreProfileStore
from wellness.profile.model import Profile
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.profile import FakeProfileStore, ProfileState

T1, T2 = "2026-01-01T00:00:00.000000Z", "2026-01-02T00:00:00.000000Z"


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    return contract_uow(lambda: FakeUnitOfWork(FakeProfileStore, ProfileState()), "firestore", FirestoreProfileStore)


def new_profile(name: str = "Ada", zone: str = "Europe/Paris") -> Profile:
    return Profile.new(str(uuid.uuid4()), name, zone, at=T1)


def test_a_profile_is_read_back_as_written_and_a_missing_one_is_none(uow: Any) -> None:
    ada = new_profile()
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) is None
    uow.run(lambda s: s.profiles.add(ada))
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) == ada


def test_get_many_gives_the_existing_ones_by_user_once_each(uow: Any) -> None:
    ada, bob, ghost = new_profile("Ada"), new_profile("Bob"), str(uuid.uuid4())
    uow.run(lambda s: (s.profiles.add(ada), s.profiles.add(bob)))
    found = uow.read(lambda s: s.profiles.get_many([ada.user_id, ghost, bob.user_id, ada.user_id]))
    assert found == {ada.user_id: ada, bob.user_id: bob}
    assert uow.read(lambda s: s.profiles.get_many([])) == {}


def test_add_refuses_a_second_profile_for_the_user_and_keeps_the_first(uow: Any) -> None:
    ada = new_profile("Ada")
    uow.run(lambda s: s.profiles.add(ada))
    twin = Profile.new(ada.user_id, "Impostor", "UTC", at=T2)
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, Firestore's AlreadyExists: callers check first
        uow.run(lambda s: s.profiles.add(twin))
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) == ada


def test_save_replaces_and_delete_erases_even_twice(uow: Any) -> None:
    ada = new_profile()
    uow.run(lambda s: s.profiles.add(ada))
    patched = ada.patched({"bio": "Runner"}, at=T2)
    uow.run(lambda s: s.profiles.save(patched))
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) == patched != ada
    uow.run(lambda s: s.profiles.delete(ada.user_id))
    uow.run(lambda s: s.profiles.delete(ada.user_id))  # already gone: nothing to do
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) is None


def test_work_that_raises_writes_nothing(uow: Any) -> None:
    ada = new_profile()

    def fails(store: Any) -> None:
        store.profiles.add(ada)
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        uow.run(fails)
    assert uow.read(lambda s: s.profiles.get(ada.user_id)) is None
