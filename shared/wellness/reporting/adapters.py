"""The reporting domain on PostgreSQL: each repository works on the connection of the caller's transaction.

Every fact is one row keyed by what makes it unique, inserted with ON CONFLICT DO
NOTHING, so applying an event twice, or events in any order, leaves the same rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from ..platform.postgres import export
from ..platform.postgres.unit_of_work import PostgresTransaction
from .model import Completion, Reflection
from .tables import reporting_completions, reporting_reflections, reporting_users


class PostgresFacts:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add_completion(self, user_id: str, completion: Completion) -> None:
        self._conn.execute(
            insert(reporting_completions)
            .values(
                user_id=uuid.UUID(user_id),
                task_id=completion.task_id,
                date=completion.date,
                completed_at=completion.completed_at,
            )
            .on_conflict_do_nothing()
        )

    def add_reflection(self, user_id: str, reflection: Reflection) -> None:
        self._conn.execute(
            insert(reporting_reflections)
            .values(
                user_id=uuid.UUID(user_id),
                reflection_id=reflection.reflection_id,
                date=reflection.date,
                mood=reflection.mood,
            )
            .on_conflict_do_nothing()
        )

    def completions_per_day(
        self, user_id: str, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        c = reporting_completions.c
        query = select(c.date, func.count()).where(c.user_id == uuid.UUID(user_id)).group_by(c.date)
        if first is not None:
            query = query.where(c.date >= first)
        if last is not None:
            query = query.where(c.date <= last)
        return {day: int(count) for day, count in self._conn.execute(query)}

    def reflections(self, user_id: str, first: dt.date, last: dt.date) -> list[Reflection]:
        c = reporting_reflections.c
        query = select(c.reflection_id, c.date, c.mood).where(
            c.user_id == uuid.UUID(user_id), c.date >= first, c.date <= last
        )
        return [Reflection(row.reflection_id, row.date, row.mood) for row in self._conn.execute(query)]

    def reflection_count(self, user_id: str) -> int:
        c = reporting_reflections.c
        return int(self._conn.execute(select(func.count()).where(c.user_id == uuid.UUID(user_id))).scalar_one())


class PostgresUserZones:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def get(self, user_id: str) -> str | None:
        query = select(reporting_users.c.timezone).where(reporting_users.c.user_id == uuid.UUID(user_id))
        zone: str | None = self._conn.execute(query).scalar_one_or_none()
        return zone

    def remember(self, user_id: str, timezone: str, as_of: dt.datetime) -> None:
        u = reporting_users.c
        stmt = insert(reporting_users).values(user_id=uuid.UUID(user_id), timezone=timezone, timezone_as_of=as_of)
        newer = u.timezone_as_of.is_(None) | (u.timezone_as_of < stmt.excluded.timezone_as_of)
        self._conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[u.user_id],
                set_={"timezone": stmt.excluded.timezone, "timezone_as_of": stmt.excluded.timezone_as_of},
                where=newer,
            )
        )


class PostgresReportingStore(PostgresTransaction):
    @property
    def facts(self) -> PostgresFacts:
        return PostgresFacts(self)

    @property
    def zones(self) -> PostgresUserZones:
        return PostgresUserZones(self)

    def export_user(self, user_id: str, limit: int) -> dict[str, Any]:
        """The user's time zone and the facts the reports are computed from, as export records."""
        conn = self.connection
        return {
            "timezone": export.row(conn, reporting_users, user_id),
            "completions": export.rows(conn, reporting_completions, user_id, limit, "recorded completions"),
            "reflections": export.rows(conn, reporting_reflections, user_id, limit, "recorded reflections"),
        }

    def erase_user(self, user_id: str) -> None:
        uid = uuid.UUID(user_id)
        for table in (reporting_completions, reporting_reflections, reporting_users):
            self.connection.execute(delete(table).where(table.c.user_id == uid))
