"""A duplicated or redelivered event changes nothing: real PostgreSQL, real Firestore emulator."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from wellness.platform.events import Event
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness.platform.subscriber import subscriber
from wellness_testing.factories import user_created
from wellness_testing.push import deliver, push_body

pytestmark = pytest.mark.integration


def deliver_concurrently(serve: Any, body: bytes, times: int) -> list[int]:
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(deliver(serve, body))) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_postgres_subscriber_applies_each_event_once(runtime_for: Any) -> None:
    runtime = runtime_for("postgres", FUNCTION_NAME=f"pg-consumer-{uuid.uuid4().hex[:6]}")
    with runtime.engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE IF NOT EXISTS test_effects (event_id uuid, applied_at timestamptz DEFAULT now())")
        )

    @subscriber("user.created", runtime, runtime.postgres_unit_of_work(PostgresTransaction))
    def handler(event: Event, store: PostgresTransaction) -> None:
        store.connection.execute(text("INSERT INTO test_effects (event_id) VALUES (:id)"), {"id": uuid.UUID(event.id)})

    event = user_created()
    body = push_body(event)
    assert [deliver(handler, body) for _ in range(3)] == [204, 204, 204]
    assert deliver_concurrently(handler, push_body(event, "2"), 4) == [204] * 4
    with runtime.engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM test_effects WHERE event_id = :id"), {"id": uuid.UUID(event.id)}
        )
        assert count.scalar() == 1


def test_failed_apply_is_nacked_and_leaves_no_record(runtime_for: Any) -> None:
    runtime = runtime_for("postgres", FUNCTION_NAME=f"pg-failing-{uuid.uuid4().hex[:6]}")
    calls: list[str] = []

    @subscriber("user.created", runtime, runtime.postgres_unit_of_work(PostgresTransaction))
    def handler(event: Event, store: PostgresTransaction) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise ConnectionError("a dependency hiccup")

    body = push_body(user_created())
    assert deliver(handler, body) == 503  # nacked: Pub/Sub will redeliver
    assert deliver(handler, body) == 204  # the redelivery applies it: nothing was recorded the first time
    assert deliver(handler, body) == 204 and len(calls) == 2


def test_poison_messages_are_nacked_for_the_dead_letter_topic(runtime_for: Any) -> None:
    runtime = runtime_for("postgres")

    @subscriber("user.created", runtime, runtime.postgres_unit_of_work(PostgresTransaction))
    def handler(event: Event, store: PostgresTransaction) -> None:
        raise AssertionError("never called for a poison message")

    assert deliver(handler, b"{not json") == 422
    wrong = Event.new("user.created", user_id="u", data=user_created().data).to_dict()
    wrong["type"] = "user.deleted"
    import base64
    import json

    message = {"data": base64.b64encode(json.dumps(wrong).encode()).decode(), "messageId": "9"}
    assert deliver(handler, json.dumps({"message": message}).encode()) == 422


def test_firestore_subscriber_applies_each_event_once(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", FUNCTION_NAME=f"fs-consumer-{uuid.uuid4().hex[:6]}")
    counter = runtime.firestore.collection("testCounters").document(uuid.uuid4().hex)

    @subscriber("user.created", runtime, runtime.firestore_unit_of_work(FirestoreTransaction))
    def handler(event: Event, store: FirestoreTransaction) -> None:
        snapshot = store.get(counter)
        value = (snapshot.to_dict() or {}).get("n", 0) if snapshot.exists else 0
        store.set(counter, {"n": value + 1})

    body = push_body(user_created())
    assert [deliver(handler, body) for _ in range(3)] == [204, 204, 204]
    assert deliver_concurrently(handler, body, 4) == [204] * 4
    assert counter.get().to_dict() == {"n": 1}
