"""What the reflection service needs from storage, and from the profile domain (the user's zone)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..platform.ports import Transaction
from .model import PageKey, Reflection


class Reflections(Protocol):
    """A user's reflections, always named through the owner's id: another user's is simply not there."""

    def add(self, reflection: Reflection) -> None:
        """Create; ids are new, so none exists."""
        ...

    def get(self, user_id: str, reflection_id: str) -> Reflection | None: ...

    def delete(self, user_id: str, reflection_id: str) -> None:
        """Erase one; nothing to do when it is already gone."""
        ...

    def page(
        self, user_id: str, *, limit: int, after: PageKey | None, date_from: dt.date | None, date_to: dt.date | None
    ) -> list[Reflection]:
        """Up to `limit` of the user's reflections newest first (by `page_key`), after `after`, within the days."""
        ...

    def erase_user(self, user_id: str) -> int:
        """Delete every reflection of the user; returns how many went.

        Works outside the transaction, in batches: a user may have more reflections
        than one transaction can write. Repeatable: a second call finds none.
        """
        ...


class TimeZones(Protocol):
    """The user's time zone, read where the profile keeps it, in the caller's transaction."""

    def of(self, user_id: str) -> str:
        """The user's IANA zone; UTC while the user has no profile."""
        ...


class ReflectionStore(Transaction, Protocol):
    @property
    def reflections(self) -> Reflections: ...

    @property
    def zones(self) -> TimeZones: ...
