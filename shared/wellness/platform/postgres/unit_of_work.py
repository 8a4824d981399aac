"""The PostgreSQL unit of work: one transaction per use case, its outbox, its delivery record.

A domain's Postgres adapter subclasses `PostgresTransaction` and adds its
repositories on `self.connection`; the domain's wiring builds
`PostgresUnitOfWork(engine, ThatStore, after_commit=...)`. A service then runs each
use case as one function of the store:

    >>> uow = PostgresUnitOfWork(engine, PostgresProgramStore)        # doctest: +SKIP
    >>> uow.run(lambda store: store.enrollments.add(...))             # doctest: +SKIP

`run` commits when the function returns and rolls back when it raises (the
connection goes back to the pool clean either way), then hands the events it wrote to
`after_commit` (the prompt publish: a failure there loses nothing, the relay catches
up). When the request being served holds an idempotency claim, `run` marks it in the
same transaction; when it has a caller, `run` refuses to commit for a token whose
session has ended (wellness.platform.revocation). `read` runs the function in a transaction that is always rolled back.
"""

from __future__ import annotations

import logging
import uuid
from typing import Callable, Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects.postgresql import insert

from .. import idempotency, revocation
from .idempotency import mark_committed
from .outbox import PostgresOutbox
from .revocation import check as check_revoked
from .tables import processed_events

log = logging.getLogger(__name__)
T = TypeVar("T")


class PostgresTransaction:
    """One transaction's connection, outbox and delivery record: the base of every domain's Postgres store."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.outbox = PostgresOutbox(connection)

    def first_delivery(self, consumer: str, event_id: str) -> bool:
        """Record the delivery in this transaction; False when `consumer` had handled the event already.

        A concurrent duplicate waits on the row's lock, then finds it recorded.
        """
        recorded = self.connection.execute(
            insert(processed_events)
            .values(consumer=consumer, event_id=uuid.UUID(event_id))
            .on_conflict_do_nothing()
            .returning(processed_events.c.event_id)
        ).first()
        return recorded is not None


S = TypeVar("S", bound=PostgresTransaction)


class PostgresUnitOfWork(Generic[S]):
    def __init__(
        self,
        engine: Engine,
        store: Callable[[Connection], S],
        after_commit: Callable[[list[str]], None] | None = None,
    ):
        self._engine = engine
        self._store = store
        self._after_commit = after_commit

    def run(self, work: Callable[[S], T]) -> T:
        claim = idempotency.active("postgres")
        caller = revocation.current_keys()
        with self._engine.connect() as connection:
            with connection.begin():  # commits when the block ends normally, rolls back when it raises
                if caller:  # first: the work may be the one that ends the caller's session (log-out)
                    check_revoked(connection, caller)
                store = self._store(connection)
                result = work(store)
                if claim is not None:
                    mark_committed(connection, claim)  # the key's work and its mark commit together
        if claim is not None:
            claim.committed = True
        written = store.outbox.written
        if written and self._after_commit is not None:
            try:
                self._after_commit(written)
            except Exception:  # noqa: BLE001 - the relay publishes whatever this could not
                log.warning("prompt publish failed; the relay will publish", exc_info=True)
        return result

    def read(self, work: Callable[[S], T]) -> T:
        with self._engine.connect() as connection:
            transaction = connection.begin()
            try:
                return work(self._store(connection))
            finally:
                transaction.rollback()
