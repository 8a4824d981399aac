"""The Firestore unit of work: one transaction per use case, its outbox, its delivery record.

A domain's Firestore adapter subclasses `FirestoreTransaction` and adds its
repositories, which read with `self.get(ref)` (inside the transaction when there is
one) and write with `self.create/set/update/delete`. The domain's wiring builds
`FirestoreUnitOfWork(client, ThatStore, after_commit=...)`::

    uow = FirestoreUnitOfWork(lambda: client, FirestoreProfileStore)
    uow.run(lambda store: store.profiles.save(profile))

A path whose ids Firestore cannot hold (`ids.valid_path`: `__x__`, `..`, too long)
names no document: `get` finds nothing and a write is a 404, before Firestore sees it.

`run` may call the function more than once: Firestore retries a transaction that lost
a race, so the function must read and write only through the store. The outbox's
events and the delivery record are written last (Firestore wants every read of a
transaction before its first write); the events of the attempt that committed are
handed to `after_commit`, the prompt publish. When the request being served holds an
idempotency claim, `run` checks it first and marks it in the same transaction; when
it has a caller, `run` first reads the caller's revocation records and refuses a token
whose session has ended (wellness.platform.revocation). `read` gives the function a store
outside any transaction: reads see committed data, writes are refused.

Both end within the unit's deadline (STORE_DEADLINE_SECONDS; every Firestore call in
them is bounded by it, see `client.deadline`): Firestore that does not answer is an
`UnavailableError` (503 with Retry-After), a transaction that keeps losing to others
on a hot document a `ContentionConflictError` (409 "contention"), never a 504. Nothing commits
after a 409, nor after a 503 that came before the commit: the deadline stops the
retries and the last attempt is rolled back. (Only a commit whose answer was lost, the
store freezing mid-commit, may have happened after all: what Idempotency-Key is for.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Iterator, TypeVar

from .. import idempotency, revocation
from ..erasure import COLLECTION as ERASED_COLLECTION
from ..erasure import pseudonym
from ..errors import ContentionConflictError, NotFoundError, UnavailableError
from ..outbox import publish_promptly
from .client import contended, deadline, remaining, unavailable
from .idempotency import key_ref
from .ids import valid_path
from .outbox import FirestoreOutbox
from .queries import IDEMPOTENCY_OF_OWNER, delete_matching
from .revocation import check_snapshots
from .revocation import refs as revocation_refs

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

log = logging.getLogger(__name__)
T = TypeVar("T")
PROCESSED_COLLECTION = "processedEvents"
CONTENTION_RETRIES = 4  # whole transactions, within the unit's deadline
COMMIT_ATTEMPTS = 2  # commits the client retries itself, in line (Firestore keeps the first attempt's place)


class FirestoreTransaction:
    """One transaction's reads, writes, outbox and delivery record: the base of every domain's Firestore store."""

    def __init__(self, client: Client, transaction: Transaction | None):
        self.client = client
        self.transaction = transaction  # None: a read-only store outside any transaction
        self.outbox = FirestoreOutbox()
        self._last_writes: list[tuple[DocumentReference, dict[str, Any]]] = []
        self._tombstones: list[DocumentReference] = []

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

    def set(self, ref: DocumentReference, data: dict[str, Any], *, merge: bool = False) -> None:
        self._writer(ref).set(ref, data, merge=merge)

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

    def tombstoned(self, user_id: str) -> bool:
        """Read in the transaction: a tombstone written meanwhile conflicts with it, so it retries and sees it."""
        return bool(self.get(_tombstone_ref(self.client, user_id)).exists)

    def tombstone(self, user_id: str) -> None:
        """The tombstone (written at the end, with the delivery record); the user's idempotency records at once.

        The records go outside the transaction, in batches (there may be more than one
        transaction may write); running it again finds none.
        """
        self._writer()
        self._tombstones.append(_tombstone_ref(self.client, user_id))
        delete_matching(self.client, IDEMPOTENCY_OF_OWNER, {"owner": pseudonym(user_id)})

    def finish(self) -> None:
        """The writes held to the end: the outbox's events, the delivery record and any tombstone."""
        from google.cloud import firestore

        transaction = self._writer()
        self.outbox.write(self.client, transaction)
        for ref, data in self._last_writes:
            transaction.create(ref, data)
        for ref in self._tombstones:
            transaction.set(ref, {"erasedAt": firestore.SERVER_TIMESTAMP})


def _tombstone_ref(client: Client, user_id: str) -> DocumentReference:
    return client.collection(ERASED_COLLECTION).document(pseudonym(user_id))


def _missing(ref: DocumentReference) -> DocumentSnapshot[Any]:
    """The snapshot of a document that does not (and cannot) exist."""
    from google.cloud.firestore_v1.base_document import DocumentSnapshot

    return DocumentSnapshot(ref, None, False, None, None, None)


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
        deadline_seconds: float = 5.0,
    ):
        self._client = client  # a factory: the client (and its import) is built on first use
        self._store = store
        self._after_commit = after_commit
        self._deadline_seconds = deadline_seconds

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

        with deadline(self._deadline_seconds), _outage_safe():
            result: T = _retry_contention(lambda: attempt(client.transaction(max_attempts=COMMIT_ATTEMPTS)))
        if claim is not None:
            claim.committed = True
        publish_promptly(self._after_commit, written)
        return result

    def read(self, work: Callable[[S], T]) -> T:
        with deadline(self._deadline_seconds), _outage_safe():
            return work(self._store(self._client(), None))


class ContentionError(Exception):
    """Firestore kept aborting the transaction for contention until the deadline."""


@contextlib.contextmanager
def _outage_safe() -> Iterator[None]:
    """Firestore that does not answer in time is a 503; a transaction that lost every race, a 409."""
    try:
        yield
    except ContentionError as error:
        log.warning("Firestore contention: %s", error)
        raise ContentionConflictError() from error
    except Exception as error:
        cause = _unavailable_cause(error)
        if cause is None:
            raise
        log.warning("Firestore is unavailable: %s: %s", type(cause).__name__, str(cause).splitlines()[0][:200])
        raise UnavailableError() from error


def _unavailable_cause(error: BaseException) -> BaseException | None:
    """The error that says Firestore did not answer, if this one is it or happened while handling it.

    A transaction whose begin timed out is rolled back by the client all the same,
    which fails with a ValueError ("no transaction ID") that hides the timeout.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if unavailable(current):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _retry_contention(attempt: Callable[[], T], tries: int = CONTENTION_RETRIES) -> T:
    """attempt(), again with jittered backoff while Firestore aborts it for contention, within the deadline.

    The client retries an aborted commit itself (COMMIT_ATTEMPTS), but not a read that
    Firestore aborts while it waits on a lock: that is retried here. A transaction
    that keeps losing ends as ContentionError; one whose last attempt ran out of time
    while waiting on a lock does too (the caller's answer is a quick 409, not a 504).
    """
    contention = False
    for n in range(tries):
        try:
            return attempt()
        except Exception as error:
            if contended(error):
                contention = True
                pause = random.uniform(0, 0.05 * 2**n)
                if n < tries - 1 and remaining() > pause + 0.1:
                    time.sleep(pause)
                    continue
                raise ContentionError(f"gave up after {n + 1} attempt(s)") from error
            if contention and _unavailable_cause(error) is not None:
                raise ContentionError(f"ran out of time after {n + 1} attempt(s)") from error
            raise
    raise AssertionError("unreachable")
