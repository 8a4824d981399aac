"""The transactional outbox on Firestore, and its relay (the twin of `wellness.outbox`).

An event is written as `outbox/{eventId}` inside the caller's Firestore
transaction, so it exists if and only if the change it describes committed. It is
published promptly after the commit (`Runtime.firestore_transaction`) and, for
whatever that missed, by the outbox-relay job. A published document is deleted:
what is left in `outbox` is exactly the backlog, and no user data lingers there.

Concurrent relays (and the prompt publish) never publish a document at the same
time: each first claims its documents in a transaction that sets `claimedUntil`
(a lease); a relay that dies mid-way leaves the lease to expire, and the next
relay takes the document over. Publishing twice stays possible (a crash between
publish and delete), which is why subscribers dedupe on the event id.

    >>> @firestore.transactional                                     # doctest: +SKIP
    ... def run(tx):
    ...     add(client, tx, Event.new("profile.updated", ...))
    >>> relay(client, publisher, timeout=5)                          # doctest: +SKIP
    RelayResult(published=1, failed=0)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any, Sequence

from .events import Event
from .firestore_queries import OUTBOX_OLDEST, build
from .outbox import RelayResult, _message
from .pubsub import Publisher

log = logging.getLogger(__name__)
COLLECTION = "outbox"
LEASE_SECONDS = 60.0  # longer than any publish timeout: a live relay never loses its claim


def add(client: Any, transaction: Any, event: Event) -> str:
    """Write `event` to the outbox inside `transaction` (a write: do every read of the transaction first)."""
    event.validate()
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    transaction.create(
        client.collection(COLLECTION).document(event.id),
        {"topic": event.topic, "payload": event.to_dict(), "createdAt": created_at, "claimedUntil": 0.0,
         "attempts": 0, "lastError": None},
    )  # fmt: skip
    return event.id


class FirestoreOutbox:
    """The outbox seen from inside one Firestore transaction (`Runtime.firestore_transaction` hands it out)."""

    def __init__(self, client: Any, transaction: Any):
        self._client, self._transaction = client, transaction
        self.written: list[str] = []

    def add(self, event: Event) -> None:
        self.written.append(add(self._client, self._transaction, event))


def _claim(client: Any, refs: list[Any], lease_seconds: float) -> list[Any]:
    """The snapshots of `refs` this caller now holds a lease on (absent or leased elsewhere: skipped)."""
    from google.cloud import firestore

    token = uuid.uuid4().hex

    @firestore.transactional
    def run(transaction: Any) -> list[Any]:
        now = time.time()
        snapshots = [s for s in client.get_all(refs, transaction=transaction) if s.exists]
        free = [s for s in snapshots if float(s.get("claimedUntil") or 0) < now]
        for snapshot in free:
            transaction.update(snapshot.reference, {"claimedUntil": now + lease_seconds, "claimedBy": token})
        return free

    claimed: list[Any] = run(client.transaction())
    return claimed


def relay(
    client: Any, publisher: Publisher, *, timeout: float, batch: int = 100, ids: Sequence[str] | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> RelayResult:  # fmt: skip
    """Publish pending documents (these ids only, when given); failures stay pending with their error."""
    outbox = client.collection(COLLECTION)
    if ids is not None:
        refs = [outbox.document(i) for i in ids]
    else:
        refs = [s.reference for s in build(outbox, OUTBOX_OLDEST).limit(batch).stream()]
    if not refs:
        return RelayResult(0, 0)
    claimed = _claim(client, refs, lease_seconds)
    if not claimed:
        return RelayResult(0, 0)
    results = publisher.publish_many([_message(s.get("payload"), s.get("topic")) for s in claimed], timeout=timeout)
    from google.cloud import firestore

    done = failed = 0
    writes = client.batch()
    for snapshot, result in zip(claimed, results, strict=True):
        if isinstance(result, str):
            writes.delete(snapshot.reference)
            done += 1
        else:
            error = f"{type(result).__name__}: {result}"[:500]
            writes.update(
                snapshot.reference, {"claimedUntil": 0.0, "attempts": firestore.Increment(1), "lastError": error}
            )
            failed += 1
    writes.commit()
    if failed:
        log.warning(
            "firestore outbox: %d published, %d left pending", done, failed,
            extra={"fields": {"published": done, "pending": failed}},
        )  # fmt: skip
    return RelayResult(done, failed)


def relay_until_empty(
    client: Any, publisher: Publisher, *, timeout: float, batch: int = 100, budget_seconds: float = 20.0
) -> RelayResult:
    """Relay batch after batch until nothing is pending, a batch fails, or the time budget is spent."""
    deadline = time.monotonic() + budget_seconds
    published = failed = 0
    while True:
        result = relay(client, publisher, timeout=timeout, batch=batch)
        published, failed = published + result.published, failed + result.failed
        if result.failed or result.published < batch or time.monotonic() > deadline:
            return RelayResult(published, failed)


def backlog(client: Any) -> tuple[int, float]:
    """(pending documents, age in seconds of the oldest)."""
    outbox = client.collection(COLLECTION)
    count = int(outbox.count().get()[0][0].value)
    oldest = next(iter(build(outbox, OUTBOX_OLDEST).limit(1).stream()), None)
    if oldest is None:
        return count, 0.0
    created = dt.datetime.fromisoformat(str(oldest.get("createdAt")).replace("Z", "+00:00"))
    return count, max(0.0, (dt.datetime.now(dt.UTC) - created).total_seconds())
