"""The notifications domain's PostgreSQL table: what was sent, never the body or the address."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, String, Table, Uuid, func

from ..platform.postgres.tables import metadata

notifications_sent_mail = Table(
    "notifications_sent_mail",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("provider_id", String(200)),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
