"""Events for the console: both outboxes' backlog, and every dead-letter hold with a way to replay a message.

The backlog is read with the library's own `backlog()` of each outbox (what the relay
job reports), plus the oldest pending Postgres rows with their last error.

A hold (`<subscription>.dead-letter.hold`, contracts/topics.yaml) is a pull
subscription on the subscription's dead-letter topic. The console looks into it
without taking anything: it pulls with `return_immediately` (the emulator honours it)
and hands every message straight back (ack deadline 0). `republish()` publishes one
held message's data and attributes again to the subscription's own topic, then acks it
in the hold. Every subscription of that topic receives it again; those that already
applied the event skip it by its id (idempotent subscribers), and one that still
cannot apply it sends it back to its hold after its delivery attempts.

    Usage::

        holds = dead_letters("127.0.0.1:8085", "wellness-local", load_catalog())
        republish("127.0.0.1:8085", "wellness-local", subscription, holds[0].messages[0].message_id)   # -> '17'
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
import threading
from collections.abc import Iterable
from typing import Any

from google.pubsub_v1.types import PubsubMessage

from devstack.catalog import Catalog, Subscription
from devstack.stack.pubsub_setup import admin_clients

PEEK_LIMIT = 50  # messages shown per hold
_DEAD_LETTER_ATTRIBUTES = "CloudPubSubDeadLetter"  # the attributes Pub/Sub adds when it dead-letters
_lock = threading.Lock()
_engines: dict[str, Any] = {}
_firestore: dict[tuple[str, str], Any] = {}


class HoldError(RuntimeError):
    """The message to replay is not (or no longer) in the hold."""


@dataclasses.dataclass(frozen=True)
class HeldMessage:
    message_id: str
    published: str
    data: bytes
    attributes: dict[str, str]

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @property
    def event(self) -> dict[str, Any] | None:
        """The event envelope, when the data is one (a poison message may be anything)."""
        try:
            value = json.loads(self.data)
        except ValueError:
            return None
        return value if isinstance(value, dict) and "type" in value else None

    @property
    def delivery_attempts(self) -> str:
        return self.attributes.get("CloudPubSubDeadLetterSourceDeliveryCount", "?")


@dataclasses.dataclass(frozen=True)
class Hold:
    subscription: Subscription
    messages: list[HeldMessage]
    error: str | None = None


def _received(received: Any) -> HeldMessage:
    message = received.message
    published = message.publish_time
    return HeldMessage(
        message_id=str(message.message_id),
        published=published.isoformat() if isinstance(published, dt.datetime) else str(published),
        data=bytes(message.data),
        attributes=dict(message.attributes),
    )


def _pull(subscriber: Any, path: str, limit: int) -> list[Any]:
    response = subscriber.pull(
        request={"subscription": path, "max_messages": limit, "return_immediately": True}, timeout=5
    )
    return list(response.received_messages)


def _release(subscriber: Any, path: str, ack_ids: Iterable[str]) -> None:
    ids = list(ack_ids)
    if ids:  # deadline 0: the messages are deliverable again at once
        subscriber.modify_ack_deadline(request={"subscription": path, "ack_ids": ids, "ack_deadline_seconds": 0})


def dead_letters(host: str, project: str, catalog: Catalog) -> list[Hold]:
    """Every subscription's hold with the messages in it (at most PEEK_LIMIT each), left in place."""
    publisher, subscriber = admin_clients(host)
    holds = []
    try:
        for sub in catalog.subscriptions:
            path = f"projects/{project}/subscriptions/{sub.dead_letter_hold}"
            try:
                received = _pull(subscriber, path, PEEK_LIMIT)
            except Exception as exc:  # noqa: BLE001 - one missing hold (the topology not set up yet) is shown, not fatal
                holds.append(Hold(sub, [], f"{type(exc).__name__}: {exc}"[:200]))
                continue
            _release(subscriber, path, (r.ack_id for r in received))
            unique = {m.message_id: m for m in map(_received, received)}  # a redelivery can repeat one
            holds.append(Hold(sub, sorted(unique.values(), key=lambda m: m.published)))
    finally:
        publisher.transport.close()  # type: ignore[no-untyped-call]
        subscriber.transport.close()  # type: ignore[no-untyped-call]
    return holds


def republish(host: str, project: str, sub: Subscription, message_id: str) -> str:
    """Publish the held message again to sub's topic and take it out of the hold; the new message id."""
    publisher, subscriber = admin_clients(host)
    path = f"projects/{project}/subscriptions/{sub.dead_letter_hold}"
    try:
        leased: list[str] = []
        try:
            for _ in range(5):  # a message leased by another look may come back in a later pull
                received = _pull(subscriber, path, 100)
                if not received:
                    break
                found = next((r for r in received if str(r.message.message_id) == message_id), None)
                leased += [r.ack_id for r in received if r is not found]
                if found is not None:
                    held = _received(found)
                    attributes = {k: v for k, v in held.attributes.items() if not k.startswith(_DEAD_LETTER_ATTRIBUTES)}
                    topic = f"projects/{project}/topics/{sub.topic}"
                    answer = publisher.publish(
                        topic=topic, messages=[PubsubMessage(data=held.data, attributes=attributes)], timeout=10
                    )
                    subscriber.acknowledge(request={"subscription": path, "ack_ids": [found.ack_id]})
                    return str(answer.message_ids[0])
        finally:
            _release(subscriber, path, leased)
        raise HoldError(f"message {message_id} is not in {sub.dead_letter_hold} (already re-published?)")
    finally:
        publisher.transport.close()  # type: ignore[no-untyped-call]
        subscriber.transport.close()  # type: ignore[no-untyped-call]


def message_preview(held: HeldMessage, limit: int = 400) -> str:
    """The data as text when it is text, else base64; cut at limit characters."""
    try:
        text = held.data.decode("utf-8")
    except UnicodeDecodeError:
        text = "base64:" + base64.b64encode(held.data).decode()
    return text if len(text) <= limit else text[:limit] + "…"


# -- outboxes ---------------------------------------------------------------------------------


def _engine(database_url: str) -> Any:
    from sqlalchemy import create_engine

    with _lock:
        if database_url not in _engines:
            _engines[database_url] = create_engine(database_url, pool_size=1, max_overflow=1, pool_pre_ping=True)
        return _engines[database_url]


def _firestore_client(host: str, project: str) -> Any:
    from google.cloud import firestore

    with _lock:
        if (host, project) not in _firestore:
            # The client finds the emulator through the environment, read when it is built.
            saved = os.environ.get("FIRESTORE_EMULATOR_HOST")
            os.environ["FIRESTORE_EMULATOR_HOST"] = host
            try:
                _firestore[(host, project)] = firestore.Client(project=project)
            finally:
                if saved is None:
                    del os.environ["FIRESTORE_EMULATOR_HOST"]
                else:
                    os.environ["FIRESTORE_EMULATOR_HOST"] = saved
        return _firestore[(host, project)]


def outbox_backlog(database_url: str | None, firestore_host: str | None, project: str) -> list[dict[str, Any]]:
    """One row per store: pending, oldest pending age (s), the oldest pending events (Postgres), or an error."""
    from sqlalchemy import select

    from wellness.platform.firestore import outbox as firestore_outbox
    from wellness.platform.postgres import outbox as postgres_outbox
    from wellness.platform.postgres.tables import outbox as outbox_table

    rows: list[dict[str, Any]] = []
    if database_url:
        row: dict[str, Any] = {"store": "postgres", "pending": None, "oldest": None, "events": [], "error": None}
        try:
            engine = _engine(database_url)
            row["pending"], row["oldest"] = postgres_outbox.backlog(engine)
            query = (
                select(outbox_table.c.id, outbox_table.c.topic, outbox_table.c.created_at)
                .add_columns(outbox_table.c.attempts, outbox_table.c.last_error)
                .where(outbox_table.c.published_at.is_(None))
                .order_by(outbox_table.c.created_at)
                .limit(10)
            )
            with engine.connect() as conn:
                row["events"] = [dict(r._mapping) for r in conn.execute(query)]
        except Exception as exc:  # noqa: BLE001 - a stopped database is shown on the page, not a 500
            row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        rows.append(row)
    if firestore_host:
        row = {"store": "firestore", "pending": None, "oldest": None, "events": [], "error": None}
        try:
            row["pending"], row["oldest"] = firestore_outbox.backlog(_firestore_client(firestore_host, project))
        except Exception as exc:  # noqa: BLE001
            row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        rows.append(row)
    return rows
