"""The platform's own PostgreSQL tables, and the one MetaData every domain's tables join.

One database serves the Postgres domains; each domain declares its tables in its own
`tables.py` (prefixed with the domain's name) on this `metadata`. The outbox, the
processed-event records, the idempotency keys, the revoked sessions and the erased users'
tombstones belong to the platform: every unit of work writes or checks them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text, Uuid, func, text
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

# A request's Idempotency-Key (wellness.platform.idempotency): claimed, marked committed in the
# work's own transaction, then completed with the answer; deleted by the relay job once expired.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of (operation, user, key)
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("token", String(32), nullable=False),
    Column("lease_until", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("committed", Boolean, nullable=False, server_default=text("false")),
    Column("status", Integer),
    Column("body", Text),
    Column("headers", JSONB),
    # pseudonym(user) of the caller (wellness.platform.erasure), so that user.deleted can erase the stored answers
    Column("owner", String(64), index=True),
)

# Ended sessions (wellness.platform.revocation): "user:<hash>" or "session:<hash>", until every access
# token they name has expired. Auth writes them; every unit of work with a caller checks them.
revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# Erased users (wellness.platform.erasure): pseudonym(user id), written by the first subscriber of
# user.deleted; every subscriber drops events about a user found here. Kept for good.
erased_users = Table(
    "erased_users",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
