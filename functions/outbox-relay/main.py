"""The outbox relay (Cloud Scheduler, every minute): publish whatever the prompt publish missed.

Two outboxes: the Postgres table (auth, program) and the Firestore collection
(profile, reflection). Each is relayed on its own, so one store being down does
not hold up the other.
"""

from wellness import firestore_outbox, outbox
from wellness.platform.http import job
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore", "pubsub")


@job(runtime)
def handler() -> dict[str, float]:
    timeout = runtime.settings.publish_timeout_seconds
    result = outbox.relay_until_empty(runtime.engine, runtime.publisher, timeout=timeout)
    pending, oldest_seconds = outbox.backlog(runtime.engine)
    fs_result = outbox.RelayResult(0, 0)
    if not result.unreachable:  # Pub/Sub is down: the second outbox would only wait out the timeout again
        fs_result = firestore_outbox.relay_until_empty(runtime.firestore, runtime.publisher, timeout=timeout)
    fs_pending, fs_oldest_seconds = firestore_outbox.backlog(runtime.firestore)
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
