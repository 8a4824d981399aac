"""The transactional outbox on Firestore (`outbox/{eventId}`), and its relay.

An event is written as `outbox/{eventId}` inside the caller's Firestore
transaction, so it exists if and only if the change it describes committed. It is
published promptly after the commit (`FirestoreUnitOfWork.run`) and, for whatever
that missed, by the outbox-relay job. A published document is deleted: what is left
in `outbox` is exactly the backlog, and no user data lingers there.

Concurrent relays (and the prompt publish) never publish a document at the same
time: each first claims its documents in a transaction that sets `claimedUntil`
(a lease); a relay that dies mid-way leaves the lease to expire, and the next
relay takes the document over.

    Usage::

        uow.run(lambda store: store.outbox.add(event))
        relay(client, publisher, timeout=5)
        # -> RelayResult(published=1, failed=0, unreachable=False)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any, Sequence

from ..clock import parse_timestamp, timestamp, utc_now
from ..events import Event
from ..outbox import RelayResult, event_message, relay_until_empty
from ..pubsub import Publisher, unreachable
from .client import contended
from .queries import OUTBOX_OLDEST, build

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

log = logging.getLogger(__name__)
COLLECTION = "outbox"
LEASE_SECONDS = 60.0  # longer than any publish timeout: a live relay never loses its claim


class FirestoreOutbox:
    """The outbox seen from inside one transaction: events kept until the transaction writes them, last.

    Firestore transactions must do every read before any write; holding the outbox's
    writes to the end lets a use case add an event wherever it reads best.
    """

    def __init__(self) -> None:
        self.pending: list[Event] = []
        self.written: list[str] = []

    def add(self, event: Event) -> None:
        event.validate()
        self.pending.append(event)

    def write(self, client: Client, transaction: Transaction) -> None:
        created_at = timestamp()
        for event in self.pending:
            transaction.create(
                client.collection(COLLECTION).document(event.id),
                {
                    "topic": event.topic,
                    "payload": event.to_dict(),
                    "createdAt": created_at,
                    "claimedUntil": 0.0,
                    "attempts": 0,
                    "lastError": None,
                },
            )
        self.written = [event.id for event in self.pending]


def _claim(client: Client, refs: list[DocumentReference], lease_seconds: float) -> list[DocumentSnapshot[Any]]:
    """The snapshots of `refs` this caller now holds a lease on (absent or leased elsewhere: skipped)."""
    from google.cloud import firestore

    token = uuid.uuid4().hex

    @firestore.transactional
    def run(transaction: Transaction) -> list[DocumentSnapshot[Any]]:
        now = time.time()
        snapshots = [s for s in client.get_all(refs, transaction=transaction) if s.exists]
        free = [s for s in snapshots if float(s.get("claimedUntil") or 0) < now]
        for snapshot in free:
            transaction.update(snapshot.reference, {"claimedUntil": now + lease_seconds, "claimedBy": token})
        return free

    try:
        claimed: list[DocumentSnapshot[Any]] = run(client.transaction())
    except Exception as error:
        if contended(error):  # every attempt lost to another relay claiming them: they are its to publish
            return []
        raise
    return claimed


def relay(
    client: Client,
    publisher: Publisher,
    *,
    timeout: float,
    batch: int = 100,
    ids: Sequence[str] | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> RelayResult:
    """Publish pending documents (these ids only, when given); failures stay pending with their error."""
    from google.cloud import firestore

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
    messages = [event_message(s.get("payload"), s.get("topic")) for s in claimed]
    results = publisher.publish_many(messages, timeout=timeout)
    errors: list[BaseException] = []
    writes = client.batch()
    for snapshot, result in zip(claimed, results, strict=True):
        if isinstance(result, str):
            writes.delete(snapshot.reference)
        else:
            errors.append(result)
            error = f"{type(result).__name__}: {result}"[:500]
            writes.update(
                snapshot.reference, {"claimedUntil": 0.0, "attempts": firestore.Increment(1), "lastError": error}
            )
    writes.commit()
    done, failed = len(claimed) - len(errors), len(errors)
    if failed:
        log.warning(
            "firestore outbox: %d published, %d left pending",
            done,
            failed,
            extra={"fields": {"published": done, "pending": failed}},
        )
    return RelayResult(done, failed, any(unreachable(error) for error in errors))


def relay_all(
    client: Client, publisher: Publisher, *, timeout: float, batch: int = 100, budget_seconds: float = 20.0
) -> RelayResult:
    """Relay batch after batch until nothing is pending, a batch fails, or the time budget is spent."""
    return relay_until_empty(
        lambda: relay(client, publisher, timeout=timeout, batch=batch), batch=batch, budget_seconds=budget_seconds
    )


def backlog(client: Client) -> tuple[int, float]:
    """(pending documents, age in seconds of the oldest)."""
    outbox = client.collection(COLLECTION)
    count = int(outbox.count().get()[0][0].value)  # type: ignore[no-untyped-call]
    oldest: Any = next(iter(build(outbox, OUTBOX_OLDEST).limit(1).stream()), None)
    if oldest is None:
        return count, 0.0
    created = parse_timestamp(str(oldest.get("createdAt")))
    return count, max(0.0, (utc_now() - created) / dt.timedelta(seconds=1))
