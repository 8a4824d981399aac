"""The record of sent mail on PostgreSQL, on the connection of the subscriber's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, insert, select

from ..platform.postgres import export
from ..platform.postgres.unit_of_work import PostgresTransaction
from .model import SentMailRecord
from .tables import notifications_sent_mail


class PostgresSentMail:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, record: SentMailRecord) -> None:
        self._conn.execute(
            insert(notifications_sent_mail).values(
                event_id=uuid.UUID(record.event_id),
                kind=record.kind,
                user_id=uuid.UUID(record.user_id),
                provider_id=record.provider_id,
            )
        )

    def get(self, event_id: str) -> SentMailRecord | None:
        t = notifications_sent_mail
        row = self._conn.execute(select(t).where(t.c.event_id == uuid.UUID(event_id))).first()
        return None if row is None else SentMailRecord(str(row.event_id), str(row.user_id), row.kind, row.provider_id)

    def erase_user(self, user_id: str) -> int:
        t = notifications_sent_mail
        return int(self._conn.execute(delete(t).where(t.c.user_id == uuid.UUID(user_id))).rowcount or 0)


class PostgresNotificationsStore(PostgresTransaction):
    @property
    def sent_mail(self) -> PostgresSentMail:
        return PostgresSentMail(self)

    def export_user(self, user_id: str, limit: int) -> dict[str, Any]:
        """The record of every mail sent to the user (kind, provider's id, time: never the body), as export records."""
        return {"sentMail": export.rows(self.connection, notifications_sent_mail, user_id, limit, "sent mails")}
