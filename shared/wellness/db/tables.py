"""Every PostgreSQL table, as SQLAlchemy Core tables (migrations create them).

One database serves the Postgres domains; each domain's tables carry its name as a
prefix. The outbox and the processed-event records are shared platform tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
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
