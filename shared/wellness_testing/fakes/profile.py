"""In-memory profiles behind the profile domain's ports.

>>> service, uow = fake_profile_service()
>>> uow.state.profiles
{}
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

from wellness.profile.model import Profile
from wellness.profile.service import ProfileService

from . import FakeState, FakeTransaction, FakeUnitOfWork


@dataclasses.dataclass
class ProfileState(FakeState):
    profiles: dict[str, Profile] = dataclasses.field(default_factory=dict)


class FakeProfiles:
    def __init__(self, state: ProfileState):
        self._state = state

    def get(self, user_id: str) -> Profile | None:
        return self._state.profiles.get(user_id)

    def get_many(self, user_ids: Sequence[str]) -> dict[str, Profile]:
        return {u: self._state.profiles[u] for u in user_ids if u in self._state.profiles}

    def add(self, profile: Profile) -> None:
        if profile.user_id in self._state.profiles:
            raise ValueError("a profile exists already")  # Firestore's create() refuses it too
        self._state.profiles[profile.user_id] = profile

    def save(self, profile: Profile) -> None:
        self._state.profiles[profile.user_id] = profile

    def delete(self, user_id: str) -> None:
        self._state.profiles.pop(user_id, None)


class FakeProfileStore(FakeTransaction):
    state: ProfileState

    @property
    def profiles(self) -> FakeProfiles:
        return FakeProfiles(self.state)


def fake_profile_service() -> tuple[ProfileService, FakeUnitOfWork[FakeProfileStore, ProfileState]]:
    uow = FakeUnitOfWork(FakeProfileStore, ProfileState())
    return ProfileService(uow), uow
