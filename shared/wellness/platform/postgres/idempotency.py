"""Idempotency keys in PostgreSQL (the `idempotency_keys` table), for the functions whose data lives there.

Usage::

    keys = PostgresIdempotencyKeys(engine)
    keys.begin(request, token, now=time.time(), lease=60, ttl=86400).action
    # -> 'claim'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from ..idempotency import COMPLETED, IN_PROGRESS, Answer, Claim, Decision, IdempotentRequest, Record, claim_lost, decide
from .tables import idempotency_keys as keys_table


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _record(row: Any) -> Record:
    answer = None
    if row.status is not None:
        answer = Answer(row.status, row.body or "", dict(row.headers or {}))
    return Record(
        row.fingerprint,
        row.state,
        row.token,
        row.lease_until.timestamp(),
        row.expires_at.timestamp(),
        row.committed,
        answer,
    )


class PostgresIdempotencyKeys:
    store = "postgres"

    def __init__(self, engine: Engine):
        self._engine = engine

    def begin(self, request: IdempotentRequest, token: str, *, now: float, lease: float, ttl: float) -> Decision:
        claim = {
            "fingerprint": request.fingerprint,
            "state": IN_PROGRESS,
            "token": token,
            "lease_until": _at(now + lease),
            "expires_at": _at(now + ttl),
            "committed": False,
            "status": None,
            "body": None,
            "headers": None,
            "owner": request.owner,
        }
        with self._engine.connect() as conn, conn.begin():
            inserted = conn.execute(
                insert(keys_table)
                .values(id=request.record_id, **claim)
                .on_conflict_do_nothing()
                .returning(keys_table.c.id)
            ).first()
            if inserted is not None:
                return Decision("claim")
            # Someone holds or held the key: decide on its record, locked until this commits.
            row = conn.execute(select(keys_table).where(keys_table.c.id == request.record_id).with_for_update()).first()
            decision = decide(None if row is None else _record(row), request, now=now)
            if decision.action == "claim":
                values = {"id": request.record_id, **claim}
                conn.execute(
                    insert(keys_table).values(**values).on_conflict_do_update(index_elements=["id"], set_=claim)
                )
            return decision

    def complete(self, claim: Claim, answer: Answer) -> None:
        with self._engine.connect() as conn, conn.begin():
            conn.execute(
                update(keys_table)
                .where(keys_table.c.id == claim.record_id, keys_table.c.token == claim.token)
                .values(state=COMPLETED, status=answer.status, body=answer.body, headers=dict(answer.headers))
            )

    def release(self, claim: Claim) -> None:
        with self._engine.connect() as conn, conn.begin():
            conn.execute(
                delete(keys_table).where(
                    keys_table.c.id == claim.record_id,
                    keys_table.c.token == claim.token,
                    keys_table.c.committed.is_(False),
                )
            )


def mark_committed(connection: Connection, claim: Claim) -> None:
    """In the work's transaction: the claim's work commits with it; refused when the claim was taken over."""
    marked = connection.execute(
        update(keys_table)
        .where(keys_table.c.id == claim.record_id, keys_table.c.token == claim.token)
        .values(committed=True)
    )
    if not marked.rowcount:
        raise claim_lost()


def purge_expired(engine: Engine, batch: int = 1000) -> int:
    """Delete keys past their TTL (the relay job calls this); how many went."""
    with engine.connect() as conn, conn.begin():
        expired = select(keys_table.c.id).where(keys_table.c.expires_at < func.now()).limit(batch)
        return int(conn.execute(delete(keys_table).where(keys_table.c.id.in_(expired))).rowcount or 0)
