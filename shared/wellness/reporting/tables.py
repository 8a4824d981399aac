"""The reporting domain's PostgreSQL tables: facts from events.

One row per fact, keyed by what makes it unique, so duplicates and order do not matter.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, SmallInteger, String, Table, Uuid, func

from ..platform.postgres.tables import metadata

reporting_users = Table(
    "reporting_users",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("timezone", String(64)),
    Column("timezone_as_of", DateTime(timezone=True)),
)

reporting_completions = Table(
    "reporting_completions",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("task_id", String(64), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
)

reporting_reflections = Table(
    "reporting_reflections",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("reflection_id", String(64), primary_key=True),
    Column("date", Date, nullable=False),
    Column("mood", SmallInteger, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
)
