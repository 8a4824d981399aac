"""In-memory reflections behind the reflection domain's ports, with the users' zones the profile would give.

>>> service, uow = fake_reflection_service(zones={"u1": "Asia/Tokyo"})
>>> uow.state.reflections, uow.read(lambda store: (store.zones.of("u1"), store.zones.of("u2")))
({}, ('Asia/Tokyo', 'UTC'))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Mapping

from wellness.platform.clock import DEFAULT_TIMEZONE
from wellness.reflection.model import PageKey, Reflection
from wellness.reflection.service import ReflectionService

from . import FakeState, FakeTransaction, FakeUnitOfWork


@dataclasses.dataclass
class ReflectionState(FakeState):
    reflections: dict[tuple[str, str], Reflection] = dataclasses.field(default_factory=dict)  # by (user, id)
    zones: dict[str, str] = dataclasses.field(default_factory=dict)  # the profiles' zones, by user


class FakeReflections:
    def __init__(self, state: ReflectionState):
        self._state = state

    def add(self, reflection: Reflection) -> None:
        key = (reflection.user_id, reflection.id)
        if key in self._state.reflections:
            raise ValueError("a reflection with this id exists already")  # Firestore's create() refuses it too
        self._state.reflections[key] = reflection

    def get(self, user_id: str, reflection_id: str) -> Reflection | None:
        return self._state.reflections.get((user_id, reflection_id))

    def delete(self, user_id: str, reflection_id: str) -> None:
        self._state.reflections.pop((user_id, reflection_id), None)

    def page(
        self, user_id: str, *, limit: int, after: PageKey | None, date_from: dt.date | None, date_to: dt.date | None
    ) -> list[Reflection]:
        mine = [
            r
            for (owner, _), r in self._state.reflections.items()
            if owner == user_id
            and (date_from is None or r.date >= date_from)
            and (date_to is None or r.date <= date_to)
            and (after is None or r.page_key < after)
        ]
        return sorted(mine, key=lambda r: r.page_key, reverse=True)[:limit]

    def erase_user(self, user_id: str) -> int:
        mine = [key for key in self._state.reflections if key[0] == user_id]
        for key in mine:
            del self._state.reflections[key]
        return len(mine)


class FakeTimeZones:
    def __init__(self, state: ReflectionState):
        self._state = state

    def of(self, user_id: str) -> str:
        return self._state.zones.get(user_id, DEFAULT_TIMEZONE)


class FakeReflectionStore(FakeTransaction):
    state: ReflectionState

    @property
    def reflections(self) -> FakeReflections:
        return FakeReflections(self.state)

    @property
    def zones(self) -> FakeTimeZones:
        return FakeTimeZones(self.state)


def fake_reflection_service(
    clock: dt.datetime | Callable[[], dt.datetime] | None = None, zones: Mapping[str, str] | None = None
) -> tuple[ReflectionService, FakeUnitOfWork[FakeReflectionStore, ReflectionState]]:
    """A service on fakes. `clock` fixes "now" (a datetime) or gives it (a function); default: the real time.
    `zones` are the users' profile zones (UTC for anyone else).
    """
    uow = FakeUnitOfWork(FakeReflectionStore, ReflectionState(zones=dict(zones or {})))
    if clock is None:
        return ReflectionService(uow), uow
    fixed = clock
    return ReflectionService(uow, clock=fixed if callable(fixed) else lambda: fixed), uow
