"""What the reporting service needs from storage.

Every fact is kept under what makes it unique (a task on a local day, a reflection
id), so applying an event twice, or events in any order, leaves the same facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..platform.ports import Transaction
from .model import Completion, Reflection


class Facts(Protocol):
    """The completions and reflections the events reported, per user."""

    def add_completion(self, user_id: str, completion: Completion) -> None:
        """Record it once: a second completion of the same task on the same day changes nothing."""
        ...

    def add_reflection(self, user_id: str, reflection: Reflection) -> None:
        """Record it once: a second reflection with the same id changes nothing."""
        ...

    def completions_per_day(
        self, user_id: str, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        """How many tasks the user completed on each local day of [first, last] (every day when not given).

        Days without a completion are left out.
        """
        ...

    def reflections(self, user_id: str, first: dt.date, last: dt.date) -> list[Reflection]:
        """The user's reflections on the local days of [first, last], in no particular order."""
        ...

    def reflection_count(self, user_id: str) -> int: ...


class UserZones(Protocol):
    """This domain's copy of each user's time zone, kept from the events that name one."""

    def get(self, user_id: str) -> str | None:
        """The zone, or None when none is known (or the user was erased)."""
        ...

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        """Keep the zone of the newest event: a late, older event does not overwrite a newer zone."""
        ...


class ReportingStore(Transaction, Protocol):
    @property
    def facts(self) -> Facts: ...

    @property
    def zones(self) -> UserZones: ...

    def erase_user(self, user_id: str) -> None:
        """Erase the user's facts and time zone (the platform's tombstone drops the events that come later)."""
        ...
