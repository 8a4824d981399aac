"""Pub/Sub subscribers: decode, validate, apply exactly once, ack or nack.

A subscriber function receives a push request: the raw Pub/Sub push envelope
(explicit push subscriptions, and the emulator) or an Eventarc CloudEvent (binary
mode carries the same envelope in its body; structured mode wraps it in `data`).
Both decode to the same Event.

Answers: 204 acks (applied, or already applied before: a duplicate changes
nothing). Any other status nacks, so Pub/Sub redelivers with backoff and, after
the subscription's max delivery attempts, moves the message to its dead-letter
topic: 422 for a message that can never succeed (malformed, wrong type, fails its
schema), 503 when applying it failed (a store down or contended is logged as a
warning: the message is fine and applies once the store is back). Nothing is acked
that was not applied, and nothing loops forever.

The record of applied event ids is written in the same transaction as the effect,
through the unit of work of the domain's service. So is the erased users' tombstone
(wellness.platform.erasure): `user.deleted` writes it before the domain erases the
user, and an event about a user found erased is acked without being applied
("dropped"), whatever its order or age. So is a message that came through the other
lane's subscription (a smoke event on a live subscription, or the reverse:
wellness.platform.smoke), which Pub/Sub's filters already keep out but its emulator does not:

    profiles = profile_service(runtime)

    @subscriber("user.created", runtime, profiles.unit_of_work)
    def handler(event: Event, store: ProfileStore) -> None:
        profiles.on_user_created(store, event)
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from typing import Any, Callable, TypeVar

import flask
from opentelemetry.trace import SpanKind

from . import logs, metrics, smoke, tracing
from .answers import install_answer_headers
from .erasure import USER_DELETED, about_a_user
from .errors import ConflictError, UnavailableError
from .events import Event, InvalidEventError
from .ports import Transaction, UnitOfWork
from .runtime import Runtime

log = logging.getLogger("wellness.subscriber")
S = TypeVar("S", bound=Transaction)
# The acked outcomes (the first word is the metric's kind).
APPLIED, DUPLICATE, DROPPED = "applied", "duplicate, already applied", "dropped, the user was erased"
OTHER_LANE = "dropped, the other lane's (wellness.platform.smoke)"


def decode(body: bytes, content_type: str | None) -> tuple[Event, dict[str, str], str]:
    """(event, message attributes, Pub/Sub message id) from a push or CloudEvent request body."""
    return _decode_push(_push_envelope(body, content_type))


def _push_envelope(body: bytes, content_type: str | None) -> Any:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidEventError("the push body is not JSON") from None
    if (content_type or "").startswith("application/cloudevents+json") and isinstance(envelope, dict):
        envelope = envelope.get("data")
    return envelope


def _decode_push(envelope: Any) -> tuple[Event, dict[str, str], str]:
    message = _pushed_message(envelope)
    return _event_of(message), _attributes_of(message), _message_id_of(message)


def _pushed_message(envelope: Any) -> dict[str, Any]:
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict) or "data" not in message:
        raise InvalidEventError("the push body has no message data")
    return message


def _attributes_of(message: dict[str, Any]) -> dict[str, str]:
    attributes = message.get("attributes") or {}
    return {str(k): str(v) for k, v in attributes.items()} if isinstance(attributes, dict) else {}


def _message_id_of(message: dict[str, Any]) -> str:
    return str(message.get("messageId") or message.get("message_id") or "")


def _event_of(message: dict[str, Any]) -> Event:
    try:
        data = base64.b64decode(message["data"], validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise InvalidEventError("the message data is not base64") from None
    return Event.from_json(data)


def push_request(event: Event, message_id: str = "1", attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """The raw push body Pub/Sub sends for this event: the inverse of decode(), for tests and tools.

    >>> from wellness_testing.factories import user_created
    >>> event = user_created()
    >>> decode(json.dumps(push_request(event, "m-1")).encode(), "application/json") == (event, {}, "m-1")
    True
    """
    message = {
        "data": base64.b64encode(event.to_json()).decode(),
        "messageId": message_id,
        "attributes": attributes or {},
    }
    return {"message": message, "subscription": "projects/local/subscriptions/local"}


Apply = Callable[[Event, S], None]


def deliver(store: S, consumer: str, event: Event, apply: Apply[S]) -> str:
    """In the transaction of `store`: apply the event once, unless the user it is about was erased; the outcome.

    What every subscriber runs (and what tests on fakes run in their unit of work):

    >>> from wellness_testing.factories import user_created, user_deleted
    >>> from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork
    >>> uow, seen = FakeUnitOfWork(FakeTransaction, FakeState()), []
    >>> created = user_created()
    >>> run = lambda e: uow.run(lambda store: deliver(store, "c", e, lambda e, s: seen.append(e.type)))
    >>> run(user_deleted(created.user_id)), run(created), run(created), seen
    ('applied', 'dropped, the user was erased', 'duplicate, already applied', ['user.deleted'])
    """
    if not store.first_delivery(consumer, event.id):
        return DUPLICATE  # applied before (a concurrent duplicate waits on the record, then lands here)
    if event.type == USER_DELETED:
        store.tombstone(event.user_id)  # first: it waits for the events about the user being applied
    elif about_a_user(event) and store.tombstoned(event.user_id):
        return DROPPED  # about an erased user: applying it would bring the user's data back
    apply(event, store)
    return APPLIED


def subscriber(
    event_type: str, runtime: Runtime, unit_of_work: UnitOfWork[S]
) -> Callable[[Apply[S]], Callable[[flask.Request], flask.Response]]:
    """Apply each `event_type` event once, in a transaction of `unit_of_work` that also records the delivery.

    The handler gets the event and the store of that transaction; a redelivered or
    duplicated event finds its delivery recorded and changes nothing.
    """
    consumer = runtime.settings.function_name
    install_answer_headers()

    def decorate(apply: Apply[S]) -> Callable[[flask.Request], flask.Response]:
        def apply_once(event: Event) -> str:
            return unit_of_work.run(lambda store: deliver(store, consumer, event, apply))

        def serve(request: flask.Request) -> flask.Response:
            status = _handle(request, consumer, event_type, apply_once)
            tracing.flush()
            return flask.Response(status=status)

        serve.__name__ = serve.__qualname__ = apply.__name__
        metrics.handler_ready()
        return serve

    return decorate


def _outcome(status: int, outcome: str, fields: dict[str, Any], started: float, level: int | None = None) -> int:
    """One log line and one measurement per delivery: what happened to which event, for the on-call engineer."""
    seconds = time.perf_counter() - started
    fields.update(outcome=outcome, status=status, latencyMs=round(seconds * 1000, 1))
    level = level if level is not None else logging.INFO if status == 204 else logging.ERROR
    log.log(level, "event %s: %s", fields.get("eventType", "?"), outcome, extra={"fields": fields})
    # An acked outcome's first word is its kind: "applied", or "duplicate, already applied".
    kind = "retried" if status >= 500 else "rejected" if status != 204 else outcome.partition(",")[0]
    metrics.message_processed(
        str(fields.get("eventType")), str(fields.get("consumer")), kind, seconds, occurred_at=fields.get("occurredAt")
    )
    return status


def _handle(request: flask.Request, consumer: str, event_type: str, apply_once: Callable[[Event], str]) -> int:
    started = time.perf_counter()
    fields: dict[str, Any] = {"consumer": consumer, "eventType": event_type}
    try:
        envelope = _push_envelope(request.get_data(), request.content_type)
        message = _pushed_message(envelope)
        attributes, message_id = _attributes_of(message), _message_id_of(message)
        through = envelope.get("subscription")
        if smoke.filtered_out(through if isinstance(through, str) else "", attributes):
            # In the cloud the filter keeps it out; the emulator pushes every message through
            # both lanes. Decided before the data is read: a poison message is refused (and
            # dead-lettered) by its own lane only, as in the cloud. No log noise.
            fields.update(messageId=message_id)
            return _outcome(204, OTHER_LANE, fields, started, logging.DEBUG)
        event = _event_of(message)
    except InvalidEventError as error:
        fields.update(eventId=error.event_id, details=error.details)
        return _outcome(422, f"rejected: {error}", fields, started)
    fields.update(eventId=event.id, messageId=message_id, occurredAt=event.occurred_at)
    if event.type != event_type:
        return _outcome(422, f"rejected: this subscriber takes {event_type}, not {event.type}", fields, started)
    carrier = {"traceparent": attributes.get("traceparent") or event.traceparent or ""}
    with (
        smoke.lane(event.smoke),  # what it publishes in turn stays in the smoke's lane
        logs.request_context(eventId=event.id, messageId=message_id),
        tracing.tracer().start_as_current_span(
            f"apply {event.type}", context=tracing.extract(carrier), kind=SpanKind.CONSUMER
        ) as span,
    ):
        span.set_attribute("messaging.message.id", message_id)
        span.set_attribute("event.id", event.id)
        try:
            outcome = apply_once(event)
        except (UnavailableError, ConflictError) as error:
            # A store that is down or contended: nothing was applied, so the same message
            # will apply later. Not the message's fault: a warning, not an error.
            return _outcome(503, f"{error.code}, will be retried", fields, started, logging.WARNING)
        except Exception:  # noqa: BLE001 - nack: Pub/Sub retries, then dead-letters
            log.exception("applying event %s failed", event.id)
            return _outcome(503, "failed, will be retried", fields, started)
        return _outcome(204, outcome, fields, started)
