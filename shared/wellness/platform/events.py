"""Domain events: immutable envelopes checked against contracts/events/.

Every event has a unique id (the outbox key and every subscriber's dedupe key), a
type, a version, the time it happened, the acting user, the trace context of the
action that caused it, and a data body described by its JSON Schema. Publishers
validate before writing to the outbox; subscribers validate on receipt.

    >>> user = "4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e"
    >>> data = {"userId": user, "email": "ada@example.com", "displayName": "Ada", "timezone": "UTC"}
    >>> event = Event.new("user.created", user_id=user, data=data)
    >>> Event.from_json(event.to_json()) == event
    True
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any, Mapping

from . import compiled_schemas, contracts, smoke, tracing
from .clock import timestamp


def _check(schema: dict[str, Any], instance: Any, *, where: str) -> list[dict[str, Any]]:
    """`schemas.check`, after the validator packaging generated (compiled_schemas): a valid event
    never loads jsonschema (about 130 ms of a cold start at 0.5 vCPU); an invalid one gets its details there."""
    if compiled_schemas.accepts(compiled_schemas.schema_key(schema), instance):
        return []
    from .schemas import check as check_schema

    return check_schema(schema, instance, where=where)


class InvalidEventError(ValueError):
    """A message that is not a valid event: it will never succeed, so it goes to the dead letters."""

    def __init__(self, message: str, event_id: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.event_id = event_id
        self.details = details or []


@dataclasses.dataclass(frozen=True)
class Event:
    id: str
    type: str
    version: int
    occurred_at: str  # RFC 3339, UTC
    user_id: str
    data: Mapping[str, Any]
    traceparent: str | None = None
    smoke: bool = False  # the smoke's event: only candidate subscribers take it (wellness.platform.smoke)

    @property
    def topic(self) -> str:
        """Topics are named after their event type (contracts/topics.yaml)."""
        return self.type

    @classmethod
    def new(cls, type: str, *, user_id: str, data: Mapping[str, Any], version: int = 1) -> Event:
        """A new event, validated, carrying the current trace context and smoke lane."""
        event = cls(
            id=str(uuid.uuid4()),
            type=type,
            version=version,
            occurred_at=timestamp(),
            user_id=user_id,
            data=dict(data),
            traceparent=tracing.inject().get("traceparent"),
            smoke=smoke.in_lane(),
        )
        event.validate()
        return event

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "occurredAt": self.occurred_at,
            "userId": self.user_id,
            "data": dict(self.data),
        }
        if self.traceparent:
            body["traceparent"] = self.traceparent
        if self.smoke:
            body["smoke"] = True
        return body

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()

    def validate(self) -> None:
        problems = _check(contracts.envelope_schema(), self.to_dict(), where="event")
        if not problems:
            try:
                schema = contracts.event_schema(self.type, self.version)
            except KeyError as exc:
                raise InvalidEventError(str(exc), self.id) from None
            problems = _check(schema, dict(self.data), where="event.data")
        if problems:
            raise InvalidEventError(f"event {self.type} v{self.version} does not match its schema", self.id, problems)

    @classmethod
    def from_dict(cls, body: Any) -> Event:
        if not isinstance(body, dict):
            raise InvalidEventError("the message is not a JSON object")
        event_id = body.get("id") if isinstance(body.get("id"), str) else None
        problems = _check(contracts.envelope_schema(), body, where="event")
        if problems:
            raise InvalidEventError("the message is not an event envelope", event_id, problems)
        event = cls(
            id=body["id"],
            type=body["type"],
            version=body["version"],
            occurred_at=body["occurredAt"],
            user_id=body["userId"],
            data=body["data"],
            traceparent=body.get("traceparent"),
            smoke=body.get("smoke") is True,
        )
        event.validate()
        return event

    @classmethod
    def from_json(cls, raw: bytes) -> Event:
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise InvalidEventError("the message is not JSON") from None
        return cls.from_dict(body)
