"""In-memory facts and zones behind the reporting domain's ports.

>>> from wellness_testing.factories import reflection_logged, user_deleted
>>> service, uow = fake_reporting_service()
>>> logged = reflection_logged(mood=5)
>>> uow.run(lambda store: service.on_reflection_logged(store, logged))
>>> uow.run(lambda store: service.on_user_deleted(store, user_deleted(logged.user_id)))
>>> uow.state.reflections, uow.state.users
({}, {})
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from wellness.reporting.model import Completion, Reflection
from wellness.reporting.service import ReportingService

from . import FakeState, FakeTransaction, FakeUnitOfWork


@dataclasses.dataclass
class UserRecord:
    """One row of reporting_users: the newest zone."""

    timezone: str | None
    timezone_as_of: dt.datetime | None


@dataclasses.dataclass
class ReportingState(FakeState):
    completions: dict[tuple[str, str, dt.date], Completion] = dataclasses.field(default_factory=dict)
    reflections: dict[tuple[str, str], Reflection] = dataclasses.field(default_factory=dict)
    users: dict[str, UserRecord] = dataclasses.field(default_factory=dict)


class FakeFacts:
    def __init__(self, state: ReportingState):
        self._state = state

    def add_completion(self, user_id: str, completion: Completion) -> None:
        self._state.completions.setdefault((user_id, completion.task_id, completion.date), completion)

    def add_reflection(self, user_id: str, reflection: Reflection) -> None:
        self._state.reflections.setdefault((user_id, reflection.reflection_id), reflection)

    def completions_per_day(
        self, user_id: str, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        counts: dict[dt.date, int] = {}
        for (user, _, day), _completion in self._state.completions.items():
            if user == user_id and (first is None or day >= first) and (last is None or day <= last):
                counts[day] = counts.get(day, 0) + 1
        return counts

    def reflections(self, user_id: str, first: dt.date, last: dt.date) -> list[Reflection]:
        return [r for (user, _), r in self._state.reflections.items() if user == user_id and first <= r.date <= last]

    def reflection_count(self, user_id: str) -> int:
        return sum(1 for user, _ in self._state.reflections if user == user_id)


class FakeUserZones:
    def __init__(self, state: ReportingState):
        self._state = state

    def get(self, user_id: str) -> str | None:
        record = self._state.users.get(user_id)
        return record.timezone if record else None

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        record = self._state.users.get(user_id)
        if record is None:
            self._state.users[user_id] = UserRecord(timezone, as_of)
        elif record.timezone_as_of is None or record.timezone_as_of < as_of:
            record.timezone, record.timezone_as_of = timezone, as_of


class FakeReportingStore(FakeTransaction):
    state: ReportingState

    @property
    def facts(self) -> FakeFacts:
        return FakeFacts(self.state)

    @property
    def zones(self) -> FakeUserZones:
        return FakeUserZones(self.state)

    def erase_user(self, user_id: str) -> None:
        self.state.users.pop(user_id, None)
        for key in [k for k in self.state.completions if k[0] == user_id]:
            del self.state.completions[key]
        for reflection in [k for k in self.state.reflections if k[0] == user_id]:
            del self.state.reflections[reflection]


def fake_reporting_service(
    clock: dt.datetime | None = None,
) -> tuple[ReportingService, FakeUnitOfWork[FakeReportingStore, ReportingState]]:
    """A service on fakes; `clock` fixes "now" (default: the real time)."""
    uow = FakeUnitOfWork(FakeReportingStore, ReportingState())
    if clock is None:
        return ReportingService(uow), uow
    return ReportingService(uow, clock=lambda: clock), uow
