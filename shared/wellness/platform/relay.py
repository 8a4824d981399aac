"""The outbox relay job: publish whatever the prompt publish after commit missed, from both outboxes.

Each outbox is relayed on its own, so one store being down does not hold up the
other; when Pub/Sub itself does not answer, the second outbox is not tried (it would
only wait out the same timeout again).

    >>> summary = relay_outboxes(runtime)   # doctest: +SKIP
    >>> summary["pending"], summary["firestorePending"]   # doctest: +SKIP
    (0, 0)
"""

from __future__ import annotations

from .firestore import idempotency as firestore_idempotency
from .firestore import outbox as firestore_outbox
from .firestore import revocation as firestore_revocation
from .outbox import RelayResult
from .postgres import idempotency as postgres_idempotency
from .postgres import outbox as postgres_outbox
from .postgres import revocation as postgres_revocation
from .runtime import Runtime


def relay_outboxes(runtime: Runtime) -> dict[str, float]:
    """Relay the Postgres outbox, then the Firestore one; what was published, failed and is still pending.

    Then the housekeeping that keeps personal data and dead records from piling up: published
    Postgres outbox rows past OUTBOX_RETENTION_SECONDS (the Firestore outbox deletes a
    document when it is published), expired idempotency keys and ended-session records.
    """
    timeout = runtime.settings.publish_timeout_seconds
    result = postgres_outbox.relay_all(runtime.engine, runtime.publisher, timeout=timeout)
    pending, oldest_seconds = postgres_outbox.backlog(runtime.engine)
    fs_result = RelayResult(0, 0)
    if not result.unreachable:
        fs_result = firestore_outbox.relay_all(runtime.firestore, runtime.publisher, timeout=timeout)
    fs_pending, fs_oldest_seconds = firestore_outbox.backlog(runtime.firestore)
    purged = postgres_outbox.purge_published(
        runtime.engine, older_than_seconds=runtime.settings.outbox_retention_seconds
    )
    expired = (
        postgres_idempotency.purge_expired(runtime.engine)
        + firestore_idempotency.purge_expired(runtime.firestore)
        + postgres_revocation.purge_expired(runtime.engine)
        + firestore_revocation.purge_expired(runtime.firestore)
    )
    return {
        "purgedPublished": purged,
        "purgedExpired": expired,
        "published": result.published,
        "failed": result.failed,
        "pending": pending,
        "oldestPendingSeconds": oldest_seconds,
        "firestorePublished": fs_result.published,
        "firestoreFailed": fs_result.failed,
        "firestorePending": fs_pending,
        "firestoreOldestPendingSeconds": fs_oldest_seconds,
    }
