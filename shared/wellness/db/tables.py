"""Every PostgreSQL table, as SQLAlchemy Core tables (migrations create them).

One database serves the Postgres domains; each domain's tables carry its name as a
prefix. The outbox and the processed-event records are shared platform tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid, primary_key=True),  # the event id
    Column("topic", String(255), nullable=False),
    Column("payload", JSONB, nullable=False),  # the event envelope
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Index("outbox_pending", "created_at", postgresql_where=text("published_at IS NULL")),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

auth_users = Table(
    "auth_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("display_name", String(80), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("auth_users_email_key", func.lower(text("email")), unique=True),
)

auth_refresh_tokens = Table(
    "auth_refresh_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("family_id", Uuid, nullable=False, index=True),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),  # sha256 of the opaque token
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("rotated_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# The program domain: a seeded catalog (migration 0003), and each user's enrollments and completions.
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

# Each Postgres domain keeps its own copy of the user's time zone (from user.created and
# profile.updated); timezone_as_of is the time of the event it came from, so late events lose.
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

# The reporting domain: facts from events, one row per fact, so duplicates and order do not matter.
reporting_users = Table(
    "reporting_users",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("timezone", String(64)),
    Column("timezone_as_of", DateTime(timezone=True)),
    Column("deleted_at", DateTime(timezone=True)),  # a tombstone: events that arrive after user.deleted are dropped
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

auth_password_resets = Table(
    "auth_password_resets",
    metadata,
    Column("id", Uuid, primary_key=True),  # the reset id; the token is (id, HMAC of id): see auth/resets.py
    Column("user_id", Uuid, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# Login throttling, shared by every instance: one row per throttled key
# ("account:<sha256 of the e-mail>" or "client:<ip>"), counting failures in a window.
auth_login_throttle = Table(
    "auth_login_throttle",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

# Mail the notifications domain has sent: the idempotency record is processed_events
# (same transaction); this row says what was sent, without the body or the address.
notifications_sent_mail = Table(
    "notifications_sent_mail",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("provider_id", String(200)),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
