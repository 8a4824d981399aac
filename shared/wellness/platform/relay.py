"""The outbox relay job: publish whatever the prompt publish after commit missed, from both outboxes.

Each outbox is relayed on its own, so one store being down does not hold up the
other; when Pub/Sub itself does not answer, the second outbox is not tried (it would
only wait out the same timeout again). Each run reports both backlogs as metrics
(`wellness.outbox.pending`, `wellness.outbox.oldest_age` by store): the alert on an
outbox older than five minutes reads them.

    >>> summary = relay_outboxes(runtime)   # doctest: +SKIP
    >>> summary["pending"], summary["firestorePending"]   # doctest: +SKIP
    (0, 0)
"""

from __future__ import annotations

from . import metrics
from .firestore import outbox as firestore_outbox
from .outbox import RelayResult
from .postgres import outbox as postgres_outbox
from .runtime import Runtime


def relay_outboxes(runtime: Runtime) -> dict[str, float]:
    """Relay the Postgres outbox, then the Firestore one; what was published, failed and is still pending."""
    timeout = runtime.settings.publish_timeout_seconds
    result = postgres_outbox.relay_all(runtime.engine, runtime.publisher, timeout=timeout)
    pending, oldest_seconds = postgres_outbox.backlog(runtime.engine)
    fs_result = RelayResult(0, 0)
    if not result.unreachable:
        fs_result = firestore_outbox.relay_all(runtime.firestore, runtime.publisher, timeout=timeout)
    fs_pending, fs_oldest_seconds = firestore_outbox.backlog(runtime.firestore)
    metrics.outbox_backlog("postgres", pending, oldest_seconds)
    metrics.outbox_backlog("firestore", fs_pending, fs_oldest_seconds)
    return {
        "published": result.published,
        "failed": result.failed,
        "pending": pending,
        "oldestPendingSeconds": oldest_seconds,
        "firestorePublished": fs_result.published,
        "firestoreFailed": fs_result.failed,
        "firestorePending": fs_pending,
        "firestoreOldestPendingSeconds": fs_oldest_seconds,
    }
