"""The outbox relay (Cloud Scheduler, every minute): publish whatever the prompt publish missed.

Two outboxes: the Postgres table (auth, program) and the Firestore collection
(profile, reflection); see wellness.platform.relay.
"""

from wellness.platform.http import job
from wellness.platform.relay import relay_outboxes
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore", "pubsub")


@job(runtime)
def handler() -> dict[str, float]:
    return relay_outboxes(runtime)
