"""Ended sessions in PostgreSQL (`revoked_tokens`): written in auth's transaction, checked in every unit of work.

Usage::

    PostgresRevocations(connection).revoke(["user:u1"], until)
    check(connection, ("user:u1", "session:s1"))
    # raises UnauthenticatedError: This session has ended; log in again.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from ..revocation import revoked
from .tables import revoked_tokens


class PostgresRevocations:
    """Writes on the connection of the caller's transaction (auth's, with the change that ends the sessions)."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def revoke(self, keys: Sequence[str], until: dt.datetime) -> None:
        if not keys:
            return
        rows = [{"key": key, "expires_at": until} for key in dict.fromkeys(keys)]
        statement = insert(revoked_tokens).values(rows)
        later = func.greatest(revoked_tokens.c.expires_at, statement.excluded.expires_at)
        self._connection.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"expires_at": later}))


def check(connection: Connection, keys: Sequence[str]) -> None:
    """401 token_revoked when any of the caller's keys is recorded (and not yet expired)."""
    found = connection.execute(
        select(revoked_tokens.c.key)
        .where(revoked_tokens.c.key.in_(list(keys)), revoked_tokens.c.expires_at > func.now())
        .limit(1)
    ).first()
    if found is not None:
        raise revoked()


def purge_expired(engine: Engine) -> int:
    with engine.connect() as conn, conn.begin():
        result = conn.execute(delete(revoked_tokens).where(revoked_tokens.c.expires_at <= func.now()))
        return int(result.rowcount or 0)
