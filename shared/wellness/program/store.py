"""The program domain's PostgreSQL queries, each on the connection of the caller's transaction.

>>> with runtime.unit_of_work() as uow:                           # doctest: +SKIP
...     rows = list_programs(uow.connection, after=None, limit=21)
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, and_, delete, select
from sqlalchemy.dialects.postgresql import insert

from ..db.tables import program_completions, program_enrollments, program_programs, program_tasks, program_users
from .model import Enrollment

_PROGRAM_COLUMNS = (
    program_programs.c.id,
    program_programs.c.title,
    program_programs.c.description,
    program_programs.c.duration_days,
)


def program_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "description": row.description, "durationDays": row.duration_days}


def list_programs(conn: Connection, *, after: str | None, limit: int) -> list[Any]:
    query = select(*_PROGRAM_COLUMNS).order_by(program_programs.c.id).limit(limit)
    if after is not None:
        query = query.where(program_programs.c.id > after)
    return list(conn.execute(query))


def get_program(conn: Connection, program_id: str) -> Any | None:
    return conn.execute(select(*_PROGRAM_COLUMNS).where(program_programs.c.id == program_id)).first()


def tasks_of(conn: Connection, program_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(program_tasks).where(program_tasks.c.program_id == program_id).order_by(program_tasks.c.day)
        )
    )


def get_task(conn: Connection, task_id: str) -> Any | None:
    return conn.execute(select(program_tasks).where(program_tasks.c.id == task_id)).first()


def timezone_of(conn: Connection, user_id: str) -> str | None:
    return conn.execute(
        select(program_users.c.timezone).where(program_users.c.user_id == uuid.UUID(user_id))
    ).scalar_one_or_none()


def remember_timezone(conn: Connection, user_id: str, timezone: str, as_of: dt.datetime) -> None:
    """Keep the zone of the newest event: a late, older event does not overwrite a newer zone."""
    stmt = insert(program_users).values(user_id=uuid.UUID(user_id), timezone=timezone, timezone_as_of=as_of)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[program_users.c.user_id],
            set_={"timezone": stmt.excluded.timezone, "timezone_as_of": stmt.excluded.timezone_as_of},
            where=program_users.c.timezone_as_of < stmt.excluded.timezone_as_of,
        )
    )


def enroll(conn: Connection, user_id: str, program_id: str, started_on: dt.date) -> Any | None:
    """The new enrollment row, or None when the user is already enrolled."""
    return conn.execute(
        insert(program_enrollments)
        .values(user_id=uuid.UUID(user_id), program_id=program_id, started_on=started_on)
        .on_conflict_do_nothing()
        .returning(program_enrollments)
    ).first()


def unenroll(conn: Connection, user_id: str, program_id: str) -> bool:
    result = conn.execute(
        delete(program_enrollments).where(
            program_enrollments.c.user_id == uuid.UUID(user_id), program_enrollments.c.program_id == program_id
        )
    )
    return bool(result.rowcount)


def enrollments_of(conn: Connection, user_id: str, *, after: str | None = None, limit: int | None = None) -> list[Any]:
    query = (
        select(program_enrollments, program_programs.c.title, program_programs.c.duration_days)
        .join(program_programs, program_programs.c.id == program_enrollments.c.program_id)
        .where(program_enrollments.c.user_id == uuid.UUID(user_id))
        .order_by(program_enrollments.c.program_id)
    )
    if after is not None:
        query = query.where(program_enrollments.c.program_id > after)
    return list(conn.execute(query.limit(limit) if limit else query))


def as_enrollments(rows: list[Any]) -> list[Enrollment]:
    return [Enrollment(row.program_id, row.started_on, row.duration_days) for row in rows]


def completed_on(conn: Connection, user_id: str, date: dt.date, task_ids: list[str]) -> set[str]:
    if not task_ids:
        return set()
    return set(
        conn.execute(
            select(program_completions.c.task_id).where(
                program_completions.c.user_id == uuid.UUID(user_id),
                program_completions.c.date == date,
                program_completions.c.task_id.in_(task_ids),
            )
        ).scalars()
    )


def complete(conn: Connection, user_id: str, task_id: str, date: dt.date, at: dt.datetime) -> tuple[Any, bool]:
    """(the completion row, whether this call made it). A concurrent twin waits on the row lock, then reads."""
    key = and_(
        program_completions.c.user_id == uuid.UUID(user_id),
        program_completions.c.task_id == task_id,
        program_completions.c.date == date,
    )
    made = conn.execute(
        insert(program_completions)
        .values(user_id=uuid.UUID(user_id), task_id=task_id, date=date, completed_at=at)
        .on_conflict_do_nothing()
        .returning(program_completions)
    ).first()
    if made is not None:
        return made, True
    return conn.execute(select(program_completions).where(key)).one(), False


def erase_user(conn: Connection, user_id: str) -> None:
    uid = uuid.UUID(user_id)
    conn.execute(delete(program_completions).where(program_completions.c.user_id == uid))
    conn.execute(delete(program_enrollments).where(program_enrollments.c.user_id == uid))
    conn.execute(delete(program_users).where(program_users.c.user_id == uid))
