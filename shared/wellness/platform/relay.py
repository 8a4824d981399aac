"""The outbox relay job: publish whatever the prompt publish after commit missed, from both outboxes.

Each outbox is relayed on its own, so one store being down does not hold up the
other; when Pub/Sub itself does not answer, the second outbox is not tried (it would
only wait out the same timeout again). Each run reports both backlogs as metrics
(`wellness.outbox.pending`, `wellness.outbox.oldest_age` by store): the alert on an
outbox older than five minutes reads them. A store that is down is a 503 once the
other has been relayed: Cloud Scheduler records the failed run, and the next run
catches up.

    >>> summary = relay_outboxes(runtime)   # doctest: +SKIP
    >>> summary["pending"], summary["firestorePending"]   # doctest: +SKIP
    (0, 0)
"""

from __future__ import annotations

import logging
from typing import Callable, TypeVar

from . import metrics
from .errors import UnavailableError
from .firestore import client as firestore_client
from .firestore import outbox as firestore_outbox
from .outbox import RelayResult
from .postgres import engine as postgres_engine
from .postgres import outbox as postgres_outbox
from .runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")


def relay_outboxes(runtime: Runtime) -> dict[str, float]:
    """Relay the Postgres outbox, then the Firestore one; what was published, failed and is still pending."""
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

    def postgres() -> tuple[RelayResult, tuple[int, float]]:
        result = postgres_outbox.relay_all(runtime.engine, runtime.publisher, timeout=timeout)
        return result, postgres_outbox.backlog(runtime.engine)

    def firestore(skip: bool) -> tuple[RelayResult, tuple[int, float]]:
        relayed = RelayResult(0, 0)
        if not skip:
            relayed = firestore_outbox.relay_all(runtime.firestore, runtime.publisher, timeout=timeout)
        return relayed, firestore_outbox.backlog(runtime.firestore)

    nothing = (RelayResult(0, 0), (0, 0.0))
    result, (pending, oldest_seconds) = guarded("PostgreSQL", postgres_engine.unavailable, postgres, nothing)
    fs_result, (fs_pending, fs_oldest_seconds) = guarded(
        "Firestore", firestore_client.unavailable, lambda: firestore(result.unreachable), nothing
    )
    if "PostgreSQL" not in down:
        metrics.outbox_backlog("postgres", pending, oldest_seconds)
    if "Firestore" not in down:
        metrics.outbox_backlog("firestore", fs_pending, fs_oldest_seconds)
    if down:
        raise UnavailableError(message=f"{' and '.join(down)} did not answer; the next run catches up.")
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
