"""In-memory programs behind the program domain's ports, with a small seeded catalog.

>>> service, uow = fake_program_service()
>>> [p["id"] for p in service.list_programs(10, None)["items"]]
['mindful-7', 'move-14']
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from wellness.program.model import Completion, Enrollment, Program, Task, task_id
from wellness.program.service import ProgramService

from . import FakeState, FakeTransaction, FakeUnitOfWork


def seeded_catalog() -> dict[str, tuple[Program, list[Task]]]:
    """Two programs shaped like the migration's seed: a task a day."""
    catalog = {}
    for program_id, title, days in (("mindful-7", "Mindful week", 7), ("move-14", "Move every day", 14)):
        program = Program(program_id, title, f"{title}, a task a day.", days)
        tasks = [
            Task(task_id(program_id, n), program_id, n, f"Day {n}", f"Day {n} of {title}") for n in range(1, days + 1)
        ]
        catalog[program_id] = (program, tasks)
    return catalog


@dataclasses.dataclass
class ProgramState(FakeState):
    catalog: dict[str, tuple[Program, list[Task]]] = dataclasses.field(default_factory=seeded_catalog)
    enrollments: dict[tuple[str, str], Enrollment] = dataclasses.field(default_factory=dict)
    completions: dict[tuple[str, str, dt.date], Completion] = dataclasses.field(default_factory=dict)
    zones: dict[str, tuple[str, dt.datetime]] = dataclasses.field(default_factory=dict)


class FakeCatalog:
    def __init__(self, state: ProgramState):
        self._state = state

    def programs(self, *, after: str | None, limit: int) -> list[Program]:
        ids = sorted(i for i in self._state.catalog if after is None or i > after)
        return [self._state.catalog[i][0] for i in ids[:limit]]

    def program(self, program_id: str) -> Program | None:
        entry = self._state.catalog.get(program_id)
        return entry[0] if entry else None

    def tasks(self, program_id: str) -> list[Task]:
        entry = self._state.catalog.get(program_id)
        return list(entry[1]) if entry else []

    def task(self, task_id: str) -> Task | None:
        return next((t for _, tasks in self._state.catalog.values() for t in tasks if t.id == task_id), None)

    def tasks_by_id(self, task_ids: list[str]) -> list[Task]:
        return [t for i in task_ids if (t := self.task(i)) is not None]


class FakeEnrollments:
    def __init__(self, state: ProgramState, clock: dt.datetime):
        self._state, self._now = state, clock

    def add(self, user_id: str, program_id: str, started_on: dt.date) -> Enrollment | None:
        if (user_id, program_id) in self._state.enrollments:
            return None
        program = self._state.catalog[program_id][0]
        enrollment = Enrollment(program_id, started_on, program.duration_days, program.title, self._now)
        self._state.enrollments[(user_id, program_id)] = enrollment
        return enrollment

    def remove(self, user_id: str, program_id: str) -> bool:
        return self._state.enrollments.pop((user_id, program_id), None) is not None

    def of_user(self, user_id: str, *, after: str | None = None, limit: int | None = None) -> list[Enrollment]:
        mine = sorted(
            (e for (u, p), e in self._state.enrollments.items() if u == user_id and (after is None or p > after)),
            key=lambda e: e.program_id,
        )
        return mine[:limit] if limit else mine


class FakeCompletions:
    def __init__(self, state: ProgramState):
        self._state = state

    def add(self, user_id: str, task_id: str, date: dt.date, at: dt.datetime) -> tuple[Completion, bool]:
        key = (user_id, task_id, date)
        if key in self._state.completions:
            return self._state.completions[key], False
        self._state.completions[key] = Completion(task_id, date, at)
        return self._state.completions[key], True

    def done_on(self, user_id: str, date: dt.date, task_ids: list[str]) -> set[str]:
        return {t for t in task_ids if (user_id, t, date) in self._state.completions}


class FakeUserZones:
    def __init__(self, state: ProgramState):
        self._state = state

    def get(self, user_id: str) -> str | None:
        entry = self._state.zones.get(user_id)
        return entry[0] if entry else None

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        current = self._state.zones.get(user_id)
        if current is None or current[1] < as_of:
            self._state.zones[user_id] = (timezone, as_of)


class FakeProgramStore(FakeTransaction):
    state: ProgramState

    @property
    def catalog(self) -> FakeCatalog:
        return FakeCatalog(self.state)

    @property
    def enrollments(self) -> FakeEnrollments:
        return FakeEnrollments(self.state, dt.datetime.now(dt.UTC))

    @property
    def completions(self) -> FakeCompletions:
        return FakeCompletions(self.state)

    @property
    def zones(self) -> FakeUserZones:
        return FakeUserZones(self.state)

    def erase_user(self, user_id: str) -> None:
        state = self.state
        state.enrollments = {k: v for k, v in state.enrollments.items() if k[0] != user_id}
        state.completions = {k: v for k, v in state.completions.items() if k[0] != user_id}
        state.zones.pop(user_id, None)


def fake_program_service(
    clock: dt.datetime | None = None,
) -> tuple[ProgramService, FakeUnitOfWork[FakeProgramStore, ProgramState]]:
    """A service on fakes; `clock` fixes "now" (default: the real time)."""
    uow = FakeUnitOfWork(FakeProgramStore, ProgramState())
    if clock is None:
        return ProgramService(uow), uow
    return ProgramService(uow, clock=lambda: clock), uow
