"""The Firestore unit of work: one transaction per use case, its outbox, its delivery record.

A domain's Firestore adapter subclasses `FirestoreTransaction` and adds its
repositories, which read with `self.get(ref)` (inside the transaction when there is
one) and write with `self.create/set/update/delete`. The domain's wiring builds
`FirestoreUnitOfWork(client, ThatStore, after_commit=...)`:

    >>> uow = FirestoreUnitOfWork(lambda: client, FirestoreProfileStore)   # doctest: +SKIP
    >>> uow.run(lambda store: store.profiles.save(profile))                # doctest: +SKIP

`run` may call the function more than once: Firestore retries a transaction that lost
a race, so the function must read and write only through the store. The outbox's
events and the delivery record are written last (Firestore wants every read of a
transaction before its first write); the events of the attempt that committed are
handed to `after_commit`, the prompt publish. When the request being served holds an
idempotency claim, `run` checks it first and marks it in the same transaction; when
it has a caller, `run` first reads the caller's revocation records and refuses a token
whose session has ended (wellness.platform.revocation). `read` gives the function a store
outside any transaction: reads see committed data, writes are refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, TypeVar

from .. import idempotency, revocation
from .idempotency import key_ref
from .outbox import FirestoreOutbox
from .revocation import check_snapshots
from .revocation import refs as revocation_refs

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

log = logging.getLogger(__name__)
T = TypeVar("T")
PROCESSED_COLLECTION = "processedEvents"
CONTENTION_RETRIES = 10


class FirestoreTransaction:
    """One transaction's reads, writes, outbox and delivery record: the base of every domain's Firestore store."""

    def __init__(self, client: Client, transaction: Transaction | None):
        self.client = client
        self.transaction = transaction  # None: a read-only store outside any transaction
        self.outbox = FirestoreOutbox()
        self._last_writes: list[tuple[DocumentReference, dict[str, Any]]] = []

    def get(self, ref: DocumentReference) -> DocumentSnapshot[Any]:
        return ref.get(transaction=self.transaction)

    def get_all(self, refs: Iterable[DocumentReference]) -> list[DocumentSnapshot[Any]]:
        refs = list(refs)
        return list(self.client.get_all(refs, transaction=self.transaction)) if refs else []

    def _writer(self) -> Transaction:
        if self.transaction is None:
            raise RuntimeError("this store is read-only: write inside UnitOfWork.run")
        return self.transaction

    def create(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer().create(ref, data)

    def set(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer().set(ref, data)

    def update(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer().update(ref, data)

    def delete(self, ref: DocumentReference) -> None:
        self._writer().delete(ref)

    def first_delivery(self, consumer: str, event_id: str) -> bool:
        """Read the delivery record; when the event is new, record it (written at the end of the transaction)."""
        from google.cloud import firestore

        marker = self.client.collection(PROCESSED_COLLECTION).document(f"{consumer}:{event_id}")
        if self.get(marker).exists:
            return False
        self._writer()
        record = {"consumer": consumer, "eventId": event_id, "processedAt": firestore.SERVER_TIMESTAMP}
        self._last_writes.append((marker, record))
        return True

    def finish(self) -> None:
        """The writes held to the end: the outbox's events and the delivery record."""
        transaction = self._writer()
        self.outbox.write(self.client, transaction)
        for ref, data in self._last_writes:
            transaction.create(ref, data)


def check_claim(store: FirestoreTransaction, claim: idempotency.Claim) -> DocumentReference:
    """First read of the work's transaction: the claim must still own its key (else the work must not commit)."""
    ref = key_ref(store.client, claim)
    snapshot = store.get(ref)
    if not snapshot.exists or snapshot.get("token") != claim.token:
        raise idempotency.claim_lost()
    return ref


S = TypeVar("S", bound=FirestoreTransaction)


class FirestoreUnitOfWork(Generic[S]):
    def __init__(
        self,
        client: Callable[[], Client],
        store: Callable[[Client, Transaction | None], S],
        after_commit: Callable[[list[str]], None] | None = None,
    ):
        self._client = client  # a factory: the client (and its import) is built on first use
        self._store = store
        self._after_commit = after_commit

    def run(self, work: Callable[[S], T]) -> T:
        from google.cloud import firestore

        client = self._client()
        written: list[str] = []
        claim = idempotency.active("firestore")
        caller = revocation.current_keys()

        @firestore.transactional
        def attempt(transaction: Transaction) -> T:
            store = self._store(client, transaction)
            if caller:  # read in the transaction: a revocation written meanwhile makes it retry and see it
                check_snapshots(store.get_all(revocation_refs(client, caller)), dt.datetime.now(dt.UTC))
            key = check_claim(store, claim) if claim is not None else None  # reads come first
            result = work(store)
            store.finish()
            if key is not None:
                transaction.update(key, {"committed": True})  # the key's work and its mark commit together
            written[:] = store.outbox.written
            return result

        result: T = _retry_contention(lambda: attempt(client.transaction()))
        if claim is not None:
            claim.committed = True
        if written and self._after_commit is not None:
            try:
                self._after_commit(written)
            except Exception:  # noqa: BLE001 - the relay publishes whatever this could not
                log.warning("prompt publish failed; the relay will publish", exc_info=True)
        return result

    def read(self, work: Callable[[S], T]) -> T:
        return work(self._store(self._client(), None))


def _retry_contention(attempt: Callable[[], T], tries: int = CONTENTION_RETRIES) -> T:
    """attempt(), again with jittered backoff while Firestore aborts it for contention.

    The client retries an aborted commit itself, but not a read that times out on a
    lock (a popular post's counter, many reactions at once): that is retried here.
    """
    from google.api_core.exceptions import Aborted

    for n in range(tries):
        try:
            return attempt()
        except (Aborted, ValueError) as error:
            # The client gives up on an aborted commit after its own attempts with a ValueError.
            contended = isinstance(error, Aborted) or str(error).startswith("Failed to commit transaction")
            if not contended or n == tries - 1:
                raise
            time.sleep(random.uniform(0, 0.05 * 2**n))
    raise AssertionError("unreachable")
