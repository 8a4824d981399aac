"""The transactional outbox on PostgreSQL, and the relay that publishes it.

An event is written in the same transaction as the change it describes, so it
exists if and only if the change does. It is then published promptly after the
commit and, for whatever that missed, by the relay job every minute. Pub/Sub being
down delays events; it loses none. Publishing twice is possible (a crash between
publish and mark), which is why subscribers dedupe on the event id.

    >>> with UnitOfWork(engine) as uow:           # doctest: +SKIP
    ...     uow.outbox.add(Event.new(...))
    ...     uow.commit()
    >>> relay(engine, publisher, timeout=5)       # doctest: +SKIP
    RelayResult(published=1, failed=0)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Sequence

from sqlalchemy import Engine, func, insert, select, update

from .db.tables import outbox
from .events import Event
from .pubsub import Message, Publisher, unreachable

if TYPE_CHECKING:
    from .postgres import UnitOfWork

log = logging.getLogger(__name__)


class PostgresOutbox:
    """The outbox seen from inside one unit of work."""

    def __init__(self, uow: UnitOfWork):
        self._uow = uow
        self.written: list[str] = []

    def add(self, event: Event) -> None:
        event.validate()
        self._uow.connection.execute(
            insert(outbox).values(id=uuid.UUID(event.id), topic=event.topic, payload=event.to_dict())
        )
        self.written.append(event.id)


@dataclasses.dataclass(frozen=True)
class RelayResult:
    published: int
    failed: int
    unreachable: bool = False  # Pub/Sub itself did not answer (not, say, a missing topic)


def _message(payload: dict[str, object] | str, topic: str) -> Message:
    body = payload if isinstance(payload, dict) else json.loads(payload)
    attributes = {"eventId": str(body["id"]), "eventType": str(body["type"])}
    if body.get("traceparent"):
        attributes["traceparent"] = str(body["traceparent"])
    return topic, json.dumps(body, separators=(",", ":")).encode(), attributes


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
        results = publisher.publish_many([_message(row.payload, row.topic) for row in rows], timeout=timeout)
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
            "outbox: %d published, %d left pending", len(done), len(failed),
            extra={"fields": {"published": len(done), "pending": len(failed)}},
        )  # fmt: skip
    return RelayResult(len(done), len(failed), any(unreachable(error) for _, error in failed))


def backlog(engine: Engine) -> tuple[int, float]:
    """(pending rows, age in seconds of the oldest) — the outbox's health at a glance."""
    with engine.connect() as conn:
        count, oldest = conn.execute(
            select(func.count(), func.coalesce(func.extract("epoch", func.now() - func.min(outbox.c.created_at)), 0))
            .where(outbox.c.published_at.is_(None))
        ).one()  # fmt: skip
    return int(count), float(oldest)


def relay_until_empty(
    engine: Engine, publisher: Publisher, *, timeout: float, batch: int = 100, budget_seconds: float = 20.0
) -> RelayResult:
    """Relay batch after batch until nothing is pending, a batch fails, or the time budget is spent."""
    deadline = time.monotonic() + budget_seconds
    published = failed = 0
    while True:
        result = relay(engine, publisher, timeout=timeout, batch=batch)
        published, failed = published + result.published, failed + result.failed
        if result.failed or result.published < batch or time.monotonic() > deadline:
            return RelayResult(published, failed, result.unreachable)
