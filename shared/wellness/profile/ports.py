"""What the profile service needs from storage."""

from __future__ import annotations

from typing import Protocol, Sequence

from ..platform.ports import Transaction
from .model import Profile


class Profiles(Protocol):
    def get(self, user_id: str) -> Profile | None: ...

    def get_many(self, user_ids: Sequence[str]) -> dict[str, Profile]:
        """The profiles that exist among these users, by user id."""
        ...

    def add(self, profile: Profile) -> None:
        """Create; the caller has checked that none exists."""
        ...

    def save(self, profile: Profile) -> None: ...

    def delete(self, user_id: str) -> None:
        """Erase; nothing to do when it is already gone."""
        ...


class ProfileStore(Transaction, Protocol):
    @property
    def profiles(self) -> Profiles: ...
