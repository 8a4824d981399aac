"""The outbox relay (Cloud Scheduler, every minute): publish whatever the prompt publish missed."""

from wellness.http import job
from wellness.outbox import backlog, relay_until_empty
from wellness.runtime import function_runtime

runtime = function_runtime("postgres", "pubsub")


@job(runtime)
def handler() -> dict[str, float]:
    result = relay_until_empty(runtime.engine, runtime.publisher, timeout=runtime.settings.publish_timeout_seconds)
    pending, oldest_seconds = backlog(runtime.engine)
    return {
        "published": result.published,
        "failed": result.failed,
        "pending": pending,
        "oldestPendingSeconds": oldest_seconds,
    }
