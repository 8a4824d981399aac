"""The outbox relay job: publish whatever the prompt publish after commit missed, from both outboxes.

Each outbox is relayed on its own, so one store being down does not hold up the
other; when Pub/Sub itself does not answer, the second outbox is not tried (it would
only wait out the same timeout again). Each run reports both backlogs as metrics
(`wellness.outbox.pending`, `wellness.outbox.oldest_age` by store): the alert on an
outbox older than five minutes reads them. A store that is down is a 503 once the
other has been relayed: Cloud Scheduler records the failed run, and the next run
catches up.

    Usage::

        summary = relay_outboxes(runtime)
        summary["pending"], summary["firestorePending"]   # -> (0, 0) once both outboxes are relayed
"""

from __future__ import annotations

import logging
from typing import Callable, TypeVar

from . import metrics
from .errors import UnavailableError
from .firestore import client as firestore_client
from .firestore import idempotency as firestore_idempotency
from .firestore import outbox as firestore_outbox
from .firestore import revocation as firestore_revocation
from .outbox import RelayResult
from .postgres import engine as postgres_engine
from .postgres import idempotency as postgres_idempotency
from .postgres import outbox as postgres_outbox
from .postgres import revocation as postgres_revocation
from .runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")


def relay_outboxes(runtime: Runtime) -> dict[str, float]:
    """Relay the Postgres outbox, then the Firestore one; what was published, failed and is still pending.

    Then the housekeeping that keeps personal data and dead records from piling up: published
    Postgres outbox rows past OUTBOX_RETENTION_SECONDS (the Firestore outbox deletes a
    document when it is published), expired idempotency keys and ended-session records.
    """
    timeout = runtime.settings.publish_timeout_seconds
    down: list[str] = []

    def guarded(store: str, unavailable: Callable[[BaseException], bool], step: Callable[[], T], empty: T) -> T:
        try:
            return step()
        except Exception as error:
            if not unavailable(error):
                raise
            log.warning("outbox relay: %s is unavailable (%s); the next run catches up", store, type(error).__name__)
            down.append(store)
            return empty

    def postgres() -> tuple[RelayResult, tuple[int, float], int, int]:
        result = postgres_outbox.relay_all(runtime.engine, runtime.publisher, timeout=timeout)
        backlog = postgres_outbox.backlog(runtime.engine)
        metrics.outbox_backlog("postgres", *backlog)
        retention = runtime.settings.outbox_retention_seconds
        purged = postgres_outbox.purge_published(runtime.engine, older_than_seconds=retention)
        expired = postgres_idempotency.purge_expired(runtime.engine) + postgres_revocation.purge_expired(runtime.engine)
        return result, backlog, purged, expired

    def firestore(skip: bool) -> tuple[RelayResult, tuple[int, float], int, int]:
        relayed = RelayResult(0, 0)
        if not skip:
            relayed = firestore_outbox.relay_all(runtime.firestore, runtime.publisher, timeout=timeout)
        backlog = firestore_outbox.backlog(runtime.firestore)
        metrics.outbox_backlog("firestore", *backlog)
        expired = firestore_idempotency.purge_expired(runtime.firestore)
        expired += firestore_revocation.purge_expired(runtime.firestore)
        return relayed, backlog, 0, expired  # a published Firestore event is deleted at once

    nothing = (RelayResult(0, 0), (0, 0.0), 0, 0)
    result, (pending, oldest_seconds), purged, expired = guarded(
        "PostgreSQL", postgres_engine.unavailable, postgres, nothing
    )
    fs_result, (fs_pending, fs_oldest_seconds), _, fs_expired = guarded(
        "Firestore", firestore_client.unavailable, lambda: firestore(result.unreachable), nothing
    )
    expired += fs_expired
    if down:
        raise UnavailableError(message=f"{' and '.join(down)} did not answer; the next run catches up.")
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
