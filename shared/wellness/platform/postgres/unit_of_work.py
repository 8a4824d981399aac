"""The PostgreSQL unit of work: one transaction per use case, its outbox, its delivery record.

A domain's Postgres adapter subclasses `PostgresTransaction` and adds its
repositories on `self.connection`; the domain's wiring builds
`PostgresUnitOfWork(engine, ThatStore, after_commit=...)`. A service then runs each
use case as one function of the store::

    uow = PostgresUnitOfWork(engine, PostgresProgramStore)
    uow.run(lambda store: store.enrollments.add(...))

`run` commits when the function returns and rolls back when it raises (the
connection goes back to the pool clean either way), then hands the events it wrote to
`after_commit` (the prompt publish: a failure there loses nothing, the relay catches
up). When the request being served holds an idempotency claim, `run` marks it in the
same transaction; when it has a caller, `run` refuses to commit for a token whose
session has ended (wellness.platform.revocation). `read` runs the function in a
transaction that is always rolled back.

PostgreSQL down, restarting or hung is `UnavailableError` (503 with Retry-After),
never a 500; a connection that a restart ended is replaced, and the work that found it
runs once more, as long as nothing was committed (see `_outage_safe`).
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Callable, Generic, TypeVar

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from .. import idempotency, revocation
from ..erasure import pseudonym
from ..errors import UnavailableError
from ..outbox import publish_promptly
from .engine import timed_out, unavailable
from .idempotency import mark_committed
from .outbox import PostgresOutbox
from .revocation import check as check_revoked
from .tables import erased_users, idempotency_keys, processed_events

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

    def tombstoned(self, user_id: str) -> bool:
        """Whether the user is erased; holds the user's advisory lock (shared) until this transaction ends."""
        _lock_user(self.connection, user_id, shared=True)
        key = pseudonym(user_id)
        return self.connection.execute(select(erased_users.c.key).where(erased_users.c.key == key)).first() is not None

    def tombstone(self, user_id: str) -> None:
        """The tombstone, under the user's advisory lock (exclusive: it waits for events being applied), and the
        user's idempotency records (their stored answers hold what the user wrote)."""
        _lock_user(self.connection, user_id, shared=False)
        key = pseudonym(user_id)
        self.connection.execute(insert(erased_users).values(key=key).on_conflict_do_nothing())
        self.connection.execute(delete(idempotency_keys).where(idempotency_keys.c.owner == key))


def _lock_user(connection: Connection, user_id: str, *, shared: bool) -> None:
    """A transaction advisory lock on the user (64 bits of the pseudonym): checks share it, a tombstone owns it."""
    lock_id = int.from_bytes(bytes.fromhex(pseudonym(user_id)[:16]), "big", signed=True)
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    connection.execute(select(getattr(func, function)(lock_id)))


S = TypeVar("S", bound=PostgresTransaction)


class PostgresUnitOfWork(Generic[S]):
    def __init__(
        self,
        engine: Engine,
        store: Callable[[Connection], S],
        after_commit: Callable[[list[str]], None] | None = None,
        deadline_seconds: float = 5.0,
    ):
        self._engine = engine
        self._store = store
        self._after_commit = after_commit
        self._deadline_seconds = deadline_seconds

    def run(self, work: Callable[[S], T]) -> T:
        claim = idempotency.active("postgres")
        caller = revocation.current_keys()
        store, result = self._outage_safe(lambda phase: self._transact(work, phase, claim, caller))
        if claim is not None:
            claim.committed = True
        publish_promptly(self._after_commit, store.outbox.written)
        return result

    def _transact(
        self,
        work: Callable[[S], T],
        phase: dict[str, bool],
        claim: idempotency.Claim | None,
        caller: tuple[str, ...] | None,
    ) -> tuple[S, T]:
        with self._connect(phase) as connection:
            with connection.begin():  # commits when the block ends normally, rolls back when it raises
                if caller:  # first: the work may be the one that ends the caller's session (log-out)
                    check_revoked(connection, caller)
                store = self._store(connection)
                result = work(store)
                if claim is not None:
                    mark_committed(connection, claim)  # the key's work and its mark commit together
                phase["committing"] = True
        return store, result

    def read(self, work: Callable[[S], T]) -> T:
        return self._outage_safe(lambda phase: self._read(work, phase))

    def _connect(self, phase: dict[str, bool]) -> Connection:
        phase["connecting"] = True
        connection = self._engine.connect()
        phase["connecting"] = False
        return connection

    def _read(self, work: Callable[[S], T], phase: dict[str, bool]) -> T:
        with self._connect(phase) as connection:
            transaction = connection.begin()
            try:
                return work(self._store(connection))
            finally:
                transaction.rollback()

    def _outage_safe(self, attempt: Callable[[dict[str, bool]], T]) -> T:
        """attempt(), once more when a lost connection failed it before its commit; 503 when PostgreSQL is away.

        A pooled connection that a restart ended mid-transaction fails the statement
        that finds it, after pre-ping let it through: nothing was committed, so the
        work runs again on a new connection. A failure while committing is not
        retried (the commit may have happened), nor one that waited out a socket
        timeout (the server is hung: a retry would only wait again).
        """
        started = time.monotonic()
        for tries_left in (1, 0):
            phase = {"connecting": False, "committing": False}
            try:
                return attempt(phase)
            except Exception as error:
                if not unavailable(error, connecting=phase["connecting"]):
                    raise
                elapsed = time.monotonic() - started
                if (
                    tries_left
                    and not phase["committing"]
                    and not timed_out(error)
                    and elapsed < self._deadline_seconds / 2
                ):
                    log.warning("PostgreSQL connection lost before the commit; trying once more on a new one")
                    continue
                log.warning("PostgreSQL is unavailable: %s", _describe(error))
                raise UnavailableError() from error
        raise AssertionError("unreachable")


def _describe(error: BaseException) -> str:
    """The error's type and first line, without the statement or its parameters."""
    original = getattr(error, "orig", None) or error
    return f"{type(original).__name__}: {str(original).splitlines()[0][:200] if str(original) else ''}"
