"""The auth domain's PostgreSQL tables (migrations create them)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, Uuid, func, text

from ..platform.postgres.tables import metadata

auth_users = Table(
    "auth_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("display_name", String(80), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("email_verified_at", DateTime(timezone=True)),
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

# Every throttle (log-in, sign-up, the mail-sending operations): one row per key, "<kind>:<HMAC of the
# e-mail or client address>" (model.throttle_key). A row past expires_at says nothing more (its window
# and any lock are over) and is deleted by the next writer (adapters.PostgresThrottle.purge_expired).
auth_login_throttle = Table(
    "auth_login_throttle",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
)

auth_email_verifications = Table(
    "auth_email_verifications",
    metadata,
    Column("id", Uuid, primary_key=True),  # the token is (id, HMAC of "email-verification:" + id)
    Column("user_id", Uuid, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)
