"""The program domain on PostgreSQL: each repository works on the connection of the caller's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects.postgresql import insert

from ..platform.postgres import export
from ..platform.postgres.unit_of_work import PostgresTransaction
from .model import Completion, Enrollment, Program, Task
from .tables import program_completions, program_enrollments, program_programs, program_tasks, program_users

_PROGRAM_COLUMNS = (
    program_programs.c.id,
    program_programs.c.title,
    program_programs.c.description,
    program_programs.c.duration_days,
)


def _program(row: Any) -> Program:
    return Program(row.id, row.title, row.description, row.duration_days)


def _task(row: Any) -> Task:
    return Task(row.id, row.program_id, row.day, row.title, row.description)


class PostgresCatalog:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def programs(self, *, after: str | None, limit: int) -> list[Program]:
        query = select(*_PROGRAM_COLUMNS).order_by(program_programs.c.id).limit(limit)
        if after is not None:
            query = query.where(program_programs.c.id > after)
        return [_program(row) for row in self._conn.execute(query)]

    def program(self, program_id: str) -> Program | None:
        row = self._conn.execute(select(*_PROGRAM_COLUMNS).where(program_programs.c.id == program_id)).first()
        return None if row is None else _program(row)

    def tasks(self, program_id: str) -> list[Task]:
        t = program_tasks
        return [
            _task(row) for row in self._conn.execute(select(t).where(t.c.program_id == program_id).order_by(t.c.day))
        ]

    def task(self, task_id: str) -> Task | None:
        row = self._conn.execute(select(program_tasks).where(program_tasks.c.id == task_id)).first()
        return None if row is None else _task(row)

    def tasks_by_id(self, task_ids: list[str]) -> list[Task]:
        if not task_ids:
            return []
        rows = self._conn.execute(select(program_tasks).where(program_tasks.c.id.in_(task_ids))).all()
        found = {row.id: _task(row) for row in rows}
        return [found[i] for i in task_ids if i in found]


class PostgresEnrollments:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, user_id: str, program_id: str, started_on: dt.date) -> Enrollment | None:
        row = self._conn.execute(
            insert(program_enrollments)
            .values(user_id=uuid.UUID(user_id), program_id=program_id, started_on=started_on)
            .on_conflict_do_nothing()
            .returning(program_enrollments.c.program_id)
        ).first()
        return None if row is None else self._one(user_id, program_id)

    def _one(self, user_id: str, program_id: str) -> Enrollment | None:
        return next((e for e in self.of_user(user_id) if e.program_id == program_id), None)

    def remove(self, user_id: str, program_id: str) -> bool:
        e = program_enrollments
        result = self._conn.execute(delete(e).where(e.c.user_id == uuid.UUID(user_id), e.c.program_id == program_id))
        return bool(result.rowcount)

    def of_user(self, user_id: str, *, after: str | None = None, limit: int | None = None) -> list[Enrollment]:
        e = program_enrollments
        query = (
            select(e, program_programs.c.title, program_programs.c.duration_days)
            .join(program_programs, program_programs.c.id == e.c.program_id)
            .where(e.c.user_id == uuid.UUID(user_id))
            .order_by(e.c.program_id)
        )
        if after is not None:
            query = query.where(e.c.program_id > after)
        rows = self._conn.execute(query.limit(limit) if limit else query)
        return [Enrollment(r.program_id, r.started_on, r.duration_days, r.title, r.enrolled_at) for r in rows]


class PostgresCompletions:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, user_id: str, task_id: str, date: dt.date, at: dt.datetime) -> tuple[Completion, bool]:
        c = program_completions
        made = self._conn.execute(
            insert(c)
            .values(user_id=uuid.UUID(user_id), task_id=task_id, date=date, completed_at=at)
            .on_conflict_do_nothing()
            .returning(c.c.completed_at)
        ).first()
        if made is not None:
            return Completion(task_id, date, made.completed_at), True
        key = and_(c.c.user_id == uuid.UUID(user_id), c.c.task_id == task_id, c.c.date == date)
        return Completion(task_id, date, self._conn.execute(select(c.c.completed_at).where(key)).scalar_one()), False

    def done_on(self, user_id: str, date: dt.date, task_ids: list[str]) -> set[str]:
        if not task_ids:
            return set()
        c = program_completions
        query = select(c.c.task_id).where(
            c.c.user_id == uuid.UUID(user_id), c.c.date == date, c.c.task_id.in_(task_ids)
        )
        return set(self._conn.execute(query).scalars())


class PostgresUserZones:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def get(self, user_id: str) -> str | None:
        query = select(program_users.c.timezone).where(program_users.c.user_id == uuid.UUID(user_id))
        zone: str | None = self._conn.execute(query).scalar_one_or_none()
        return zone

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        stmt = insert(program_users).values(user_id=uuid.UUID(user_id), timezone=timezone, timezone_as_of=as_of)
        self._conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[program_users.c.user_id],
                set_={"timezone": stmt.excluded.timezone, "timezone_as_of": stmt.excluded.timezone_as_of},
                where=program_users.c.timezone_as_of < stmt.excluded.timezone_as_of,
            )
        )


class PostgresProgramStore(PostgresTransaction):
    @property
    def catalog(self) -> PostgresCatalog:
        return PostgresCatalog(self)

    @property
    def enrollments(self) -> PostgresEnrollments:
        return PostgresEnrollments(self)

    @property
    def completions(self) -> PostgresCompletions:
        return PostgresCompletions(self)

    @property
    def zones(self) -> PostgresUserZones:
        return PostgresUserZones(self)

    def export_user(self, user_id: str, limit: int) -> dict[str, Any]:
        """The user's time zone, enrollments and completions, as export records (wellness.platform.export)."""
        conn = self.connection
        return {
            "timezone": export.row(conn, program_users, user_id),
            "enrollments": export.rows(conn, program_enrollments, user_id, limit, "enrollments"),
            "completions": export.rows(conn, program_completions, user_id, limit, "completions"),
        }

    def erase_user(self, user_id: str) -> None:
        uid = uuid.UUID(user_id)
        for table in (program_completions, program_enrollments, program_users):
            self.connection.execute(delete(table).where(table.c.user_id == uid))
