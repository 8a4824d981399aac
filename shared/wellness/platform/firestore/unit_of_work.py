"""The Firestore unit of work: one transaction per use case, its outbox, its delivery record.

A domain's Firestore adapter subclasses `FirestoreTransaction` and adds its
repositories, which read with `self.get(ref)` (inside the transaction when there is
one) and write with `self.create/set/update/delete`. The domain's wiring builds
`FirestoreUnitOfWork(client, ThatStore, after_commit=...)`:

    >>> uow = FirestoreUnitOfWork(lambda: client, FirestoreProfileStore)   # doctest: +SKIP
    >>> uow.run(lambda store: store.profiles.save(profile))                # doctest: +SKIP

A path whose ids Firestore cannot hold (`ids.valid_path`: `__x__`, `..`, too long)
names no document: `get` finds nothing and a write is a 404, before Firestore sees it.

`run` may call the function more than once: Firestore retries a transaction that lost
a race, so the function must read and write only through the store. The outbox's
events and the delivery record are written last (Firestore wants every read of a
transaction before its first write); the events of the attempt that committed are
handed to `after_commit`, the prompt publish. `read` gives the function a store
outside any transaction: reads see committed data, writes are refused.
"""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, TypeVar

from ..errors import NotFoundError
from .ids import valid_path
from .outbox import FirestoreOutbox

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
        if not valid_path(ref.path):
            return _missing(ref)
        return ref.get(transaction=self.transaction)

    def get_all(self, refs: Iterable[DocumentReference]) -> list[DocumentSnapshot[Any]]:
        refs = list(refs)
        valid = [ref for ref in refs if valid_path(ref.path)]
        found = list(self.client.get_all(valid, transaction=self.transaction)) if valid else []
        return found + [_missing(ref) for ref in refs if not valid_path(ref.path)]

    def _writer(self, ref: DocumentReference | None = None) -> Transaction:
        if self.transaction is None:
            raise RuntimeError("this store is read-only: write inside UnitOfWork.run")
        if ref is not None and not valid_path(ref.path):
            raise NotFoundError("not_found", "No such resource.")
        return self.transaction

    def create(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer(ref).create(ref, data)

    def set(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer(ref).set(ref, data)

    def update(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writer(ref).update(ref, data)

    def delete(self, ref: DocumentReference) -> None:
        self._writer(ref).delete(ref)

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


def _missing(ref: DocumentReference) -> DocumentSnapshot[Any]:
    """The snapshot of a document that does not (and cannot) exist."""
    from google.cloud.firestore_v1.base_document import DocumentSnapshot

    return DocumentSnapshot(ref, None, False, None, None, None)


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

        @firestore.transactional
        def attempt(transaction: Transaction) -> T:
            store = self._store(client, transaction)
            result = work(store)
            store.finish()
            written[:] = store.outbox.written
            return result

        result: T = _retry_contention(lambda: attempt(client.transaction()))
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
