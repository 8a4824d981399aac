"""The reporting domain's PostgreSQL queries. Every fact is one row keyed by what makes it unique,
so applying an event twice, or events in any order, leaves the same rows.

>>> with runtime.unit_of_work() as uow:                              # doctest: +SKIP
...     add_completion(uow.connection, user_id, "mindful-7-d1", date, completed_at)
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from ..db.tables import reporting_completions, reporting_reflections, reporting_users


def user_row(conn: Connection, user_id: str) -> Any | None:
    return conn.execute(select(reporting_users).where(reporting_users.c.user_id == uuid.UUID(user_id))).first()


def is_deleted(conn: Connection, user_id: str) -> bool:
    """Whether user.deleted was applied (after remember_timezone, which locked the user's row)."""
    row = conn.execute(
        select(reporting_users.c.deleted_at).where(reporting_users.c.user_id == uuid.UUID(user_id))
    ).first()
    return row is not None and row.deleted_at is not None


def remember_timezone(conn: Connection, user_id: str, timezone: str, as_of: dt.datetime) -> None:
    """Keep the zone of the newest event seen, whatever order events arrive in."""
    stmt = insert(reporting_users).values(user_id=uuid.UUID(user_id), timezone=timezone, timezone_as_of=as_of)
    newer = (reporting_users.c.timezone_as_of.is_(None)) | (reporting_users.c.timezone_as_of < as_of)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[reporting_users.c.user_id],
            set_={"timezone": stmt.excluded.timezone, "timezone_as_of": stmt.excluded.timezone_as_of},
            where=newer & reporting_users.c.deleted_at.is_(None),
        )
    )


def add_completion(conn: Connection, user_id: str, task_id: str, date: dt.date, at: dt.datetime) -> None:
    conn.execute(
        insert(reporting_completions)
        .values(user_id=uuid.UUID(user_id), task_id=task_id, date=date, completed_at=at)
        .on_conflict_do_nothing()
    )


def add_reflection(conn: Connection, user_id: str, reflection_id: str, date: dt.date, mood: int) -> None:
    conn.execute(
        insert(reporting_reflections)
        .values(user_id=uuid.UUID(user_id), reflection_id=reflection_id, date=date, mood=mood)
        .on_conflict_do_nothing()
    )


def erase_user(conn: Connection, user_id: str, at: dt.datetime) -> None:
    """Erase the user's facts and leave a tombstone (no time zone, no data) so late events are dropped."""
    uid = uuid.UUID(user_id)
    stmt = insert(reporting_users).values(user_id=uid, deleted_at=at)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[reporting_users.c.user_id],
            set_={
                "deleted_at": func.coalesce(reporting_users.c.deleted_at, at),
                "timezone": None,
                "timezone_as_of": None,
            },
        )
    )  # first: it locks the user's row, so a concurrent add either commits before the deletes or sees the tombstone
    conn.execute(delete(reporting_completions).where(reporting_completions.c.user_id == uid))
    conn.execute(delete(reporting_reflections).where(reporting_reflections.c.user_id == uid))


def completion_days(conn: Connection, user_id: str) -> tuple[list[dt.date], int]:
    """(the distinct days with a completion, the number of completions)."""
    uid = uuid.UUID(user_id)
    rows = conn.execute(
        select(reporting_completions.c.date, func.count())
        .where(reporting_completions.c.user_id == uid)
        .group_by(reporting_completions.c.date)
    ).all()
    return [row[0] for row in rows], sum(row[1] for row in rows)


def reflections_between(conn: Connection, user_id: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    c = reporting_reflections.c
    return [
        (row.date, row.mood)
        for row in conn.execute(
            select(c.date, c.mood).where(c.user_id == uuid.UUID(user_id), c.date >= first, c.date <= last)
        )
    ]


def reflection_count(conn: Connection, user_id: str) -> int:
    c = reporting_reflections.c
    return int(conn.execute(select(func.count()).where(c.user_id == uuid.UUID(user_id))).scalar_one())


def completions_between(conn: Connection, user_id: str, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    c = reporting_completions.c
    rows = conn.execute(
        select(c.date, func.count())
        .where(c.user_id == uuid.UUID(user_id), c.date >= first, c.date <= last)
        .group_by(c.date)
    )
    return {row[0]: row[1] for row in rows}
