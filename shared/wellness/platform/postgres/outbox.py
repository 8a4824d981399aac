"""The transactional outbox on PostgreSQL (the `outbox` table), and its relay.

Usage::

    uow.run(lambda store: store.outbox.add(event))
    relay(engine, publisher, timeout=5)
    # -> RelayResult(published=1, failed=0, unreachable=False)
"""

from __future__ import annotations

import logging
import uuid
from typing import Sequence

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from ..events import Event
from ..outbox import RelayResult, event_message, relay_until_empty
from ..pubsub import Publisher, unreachable
from .tables import outbox

log = logging.getLogger(__name__)


class PostgresOutbox:
    """The outbox seen from inside one transaction: rows written on its connection."""

    def __init__(self, connection: Connection):
        self._connection = connection
        self.written: list[str] = []

    def add(self, event: Event) -> None:
        event.validate()
        self._connection.execute(
            insert(outbox).values(id=uuid.UUID(event.id), topic=event.topic, payload=event.to_dict())
        )
        self.written.append(event.id)


def relay(
    engine: Engine, publisher: Publisher, *, timeout: float, batch: int = 100, ids: Sequence[str] | None = None
) -> RelayResult:
    """Publish pending rows (these ids only, when given); failures stay pending with their error.

    Rows are locked with SKIP LOCKED, so the prompt publish and any number of relay
    instances never publish the same row at the same time.
    """
    query = select(outbox.c.id, outbox.c.topic, outbox.c.payload).where(outbox.c.published_at.is_(None))
    if ids is not None:
        query = query.where(outbox.c.id.in_([uuid.UUID(i) for i in ids]))
    query = query.order_by(outbox.c.created_at).limit(batch).with_for_update(skip_locked=True)
    with engine.connect() as conn, conn.begin():
        rows = conn.execute(query).all()
        if not rows:
            return RelayResult(0, 0)
        results = publisher.publish_many([event_message(row.payload, row.topic) for row in rows], timeout=timeout)
        done = [row.id for row, result in zip(rows, results, strict=True) if isinstance(result, str)]
        failed = [(row.id, result) for row, result in zip(rows, results, strict=True) if not isinstance(result, str)]
        if done:
            conn.execute(update(outbox).where(outbox.c.id.in_(done)).values(published_at=func.now()))
        for row_id, error in failed:
            conn.execute(
                update(outbox)
                .where(outbox.c.id == row_id)
                .values(attempts=outbox.c.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:500])
            )
    if failed:
        log.warning(
            "outbox: %d published, %d left pending",
            len(done),
            len(failed),
            extra={"fields": {"published": len(done), "pending": len(failed)}},
        )
    return RelayResult(len(done), len(failed), any(unreachable(error) for _, error in failed))


def relay_all(
    engine: Engine, publisher: Publisher, *, timeout: float, batch: int = 100, budget_seconds: float = 20.0
) -> RelayResult:
    """Relay batch after batch until nothing is pending, a batch fails, or the time budget is spent."""
    return relay_until_empty(
        lambda: relay(engine, publisher, timeout=timeout, batch=batch), batch=batch, budget_seconds=budget_seconds
    )


def backlog(engine: Engine) -> tuple[int, float]:
    """(pending rows, age in seconds of the oldest): the outbox's health at a glance."""
    oldest_age = func.coalesce(func.extract("epoch", func.now() - func.min(outbox.c.created_at)), 0)
    with engine.connect() as conn:
        count, oldest = conn.execute(select(func.count(), oldest_age).where(outbox.c.published_at.is_(None))).one()
    return int(count), float(oldest)


def purge_published(engine: Engine, *, older_than_seconds: float, batch: int = 1000) -> int:
    """Delete rows published more than `older_than_seconds` ago (their envelopes hold e-mails and names).

    Pending rows are never touched: whatever is not yet published stays until it is.
    One batch per call (the relay job calls it every run), so a large backlog of old rows
    drains over a few runs without one long transaction.
    """
    cutoff = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, older_than_seconds)
    old = (
        select(outbox.c.id)
        .where(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    with engine.connect() as conn, conn.begin():
        return int(conn.execute(delete(outbox).where(outbox.c.id.in_(old))).rowcount or 0)
