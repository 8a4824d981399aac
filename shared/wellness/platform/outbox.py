"""What both outboxes share: the message an event becomes, and the relay's result.

An event is written in the same transaction as the change it describes (the Postgres
table `wellness.platform.postgres.outbox`, the Firestore collection
`wellness.platform.firestore.outbox`), published promptly after the commit, and, for
whatever that missed, by the outbox-relay job. Publishing twice is possible (a crash
between publish and mark), which is why subscribers dedupe on the event id.

    >>> event_message({"id": "e1", "type": "user.created"}, "user.created")[2]
    {'eventId': 'e1', 'eventType': 'user.created'}
    >>> event_message({"id": "e2", "type": "user.created", "smoke": True}, "user.created")[2]["smoke"]
    'true'
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from typing import Any, Callable, Mapping

from . import smoke
from .pubsub import Message

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RelayResult:
    published: int
    failed: int
    unreachable: bool = False  # Pub/Sub itself did not answer (not, say, a missing topic)


def event_message(payload: Mapping[str, Any] | str, topic: str) -> Message:
    """The Pub/Sub message of a stored event envelope: its JSON, with id, type, trace context and lane as attributes.

    The smoke attribute is what the subscriptions' filters read: only the candidate
    subscriptions take a message that carries it (wellness.platform.smoke).
    """
    body = dict(payload) if isinstance(payload, Mapping) else json.loads(payload)
    attributes = {"eventId": str(body["id"]), "eventType": str(body["type"])}
    if body.get("traceparent"):
        attributes["traceparent"] = str(body["traceparent"])
    if body.get("smoke") is True:
        attributes[smoke.ATTRIBUTE] = "true"
    return topic, json.dumps(body, separators=(",", ":")).encode(), attributes


def relay_until_empty(relay_once: Callable[[], RelayResult], *, batch: int, budget_seconds: float) -> RelayResult:
    """Relay batch after batch until nothing is pending, a batch fails, or the time budget is spent."""
    deadline = time.monotonic() + budget_seconds
    published = failed = 0
    while True:
        result = relay_once()
        published, failed = published + result.published, failed + result.failed
        if result.failed or result.published < batch or time.monotonic() > deadline:
            return RelayResult(published, failed, result.unreachable)


def publish_promptly(after_commit: Callable[[list[str]], None] | None, written: list[str]) -> None:
    """Hand the events a transaction committed to the prompt publish (a unit of work's `after_commit`).

    A failure here loses nothing, so it is logged and not raised: the events are committed
    in the outbox and the relay publishes what this could not.
    """
    if not written or after_commit is None:
        return
    try:
        after_commit(written)
    except Exception:  # noqa: BLE001 - see above
        log.warning("prompt publish failed; the relay will publish", exc_info=True)
