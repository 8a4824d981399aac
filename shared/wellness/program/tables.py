"""The program domain's PostgreSQL tables: a seeded catalog (migration 0003), users' enrollments and completions."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint, Uuid, func

from ..platform.postgres.tables import metadata

program_programs = Table(
    "program_programs",
    metadata,
    Column("id", String(64), primary_key=True),  # a short stable slug, e.g. "mindful-7"
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("duration_days", Integer, nullable=False),
)

program_tasks = Table(
    "program_tasks",
    metadata,
    Column("id", String(64), primary_key=True),  # "<programId>-d<day>"
    Column("program_id", String(64), ForeignKey("program_programs.id", ondelete="CASCADE"), nullable=False),
    Column("day", Integer, nullable=False),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False),
    UniqueConstraint("program_id", "day", name="program_tasks_program_day_key"),
)

program_users = Table(
    "program_users",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("timezone_as_of", DateTime(timezone=True), nullable=False),
)

program_enrollments = Table(
    "program_enrollments",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("program_id", String(64), ForeignKey("program_programs.id", ondelete="CASCADE"), primary_key=True),
    Column("started_on", Date, nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

program_completions = Table(
    "program_completions",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("task_id", String(64), ForeignKey("program_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("date", Date, primary_key=True),  # the local day it counts for
    Column("completed_at", DateTime(timezone=True), nullable=False),
)
