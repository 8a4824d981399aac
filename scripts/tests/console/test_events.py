"""The console's event readers on the real emulator and database: holds looked into and replayed, outboxes."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from google.pubsub_v1.types import PubsubMessage

from devstack.catalog import load_catalog
from devstack.console import events
from devstack.stack.pubsub_setup import admin_clients, setup_topology

pytestmark = pytest.mark.integration


def test_a_hold_is_looked_into_without_taking_and_a_message_is_replayed_to_its_topic(pubsub_emulator: str) -> None:
    catalog = load_catalog()
    project = f"console-test-{os.getpid()}"  # its own project: the session emulator is shared
    setup_topology(pubsub_emulator, project, catalog, {})
    sub = next(s for s in catalog.subscriptions if s.topic == "user.created")
    publisher, subscriber = admin_clients(pubsub_emulator)
    tap = f"projects/{project}/subscriptions/tap-{uuid.uuid4().hex[:8]}"
    try:
        dead_letter = f"projects/{project}/topics/{sub.dead_letter_topic}"
        attributes = {"CloudPubSubDeadLetterSourceDeliveryCount": "5", "eventId": "e-1"}
        for data in (b"poison one", b'{"type": "user.created", "id": "e-2"}'):
            publisher.publish(topic=dead_letter, messages=[PubsubMessage(data=data, attributes=attributes)])

        for _ in range(2):  # looking twice finds the same two: looking takes nothing
            hold = next(h for h in events.dead_letters(pubsub_emulator, project, catalog) if h.subscription == sub)
            assert [m.data for m in hold.messages] == [b"poison one", b'{"type": "user.created", "id": "e-2"}']
        assert hold.messages[0].event is None and hold.messages[1].event == {"type": "user.created", "id": "e-2"}
        assert hold.messages[0].delivery_attempts == "5"
        others = [h for h in events.dead_letters(pubsub_emulator, project, catalog) if h.subscription != sub]
        assert all(not h.messages and h.error is None for h in others)

        subscriber.create_subscription(
            request={"name": tap, "topic": f"projects/{project}/topics/{sub.topic}", "ack_deadline_seconds": 10}
        )
        new_id = events.republish(pubsub_emulator, project, sub, hold.messages[0].message_id)
        after = next(h for h in events.dead_letters(pubsub_emulator, project, catalog) if h.subscription == sub)
        assert [m.data for m in after.messages] == [b'{"type": "user.created", "id": "e-2"}']
        got = subscriber.pull(request={"subscription": tap, "max_messages": 10}, timeout=10).received_messages
        assert [(m.message.data, m.message.message_id) for m in got] == [(b"poison one", new_id)]
        assert dict(got[0].message.attributes) == {"eventId": "e-1"}  # Pub/Sub's dead-letter marks are dropped

        with pytest.raises(events.HoldError, match="not in"):
            events.republish(pubsub_emulator, project, sub, hold.messages[0].message_id)
    finally:
        try:
            subscriber.delete_subscription(subscription=tap)
        except Exception:  # noqa: BLE001, S110 - absent when the test failed before creating it
            pass
        publisher.transport.close()
        subscriber.transport.close()


def test_the_outbox_backlog_of_both_stores(postgres_url: str, firestore_emulator: str, sql: Any) -> None:
    from wellness.platform.events import Event

    event = Event.new("user.deleted", user_id=str(uuid.uuid4()), data={"userId": str(uuid.uuid4())})
    sql(
        "INSERT INTO outbox (id, topic, payload, attempts, last_error) "
        "VALUES (CAST(:id AS uuid), :topic, CAST(:payload AS jsonb), 2, 'NotFound: topic')",
        id=event.id,
        topic=event.topic,
        payload=event.to_json().decode(),
    )
    try:
        rows = {row["store"]: row for row in events.outbox_backlog(postgres_url, firestore_emulator, "console-test")}
        postgres = rows["postgres"]
        assert postgres["error"] is None and postgres["pending"] >= 1
        listed = next(e for e in postgres["events"] if str(e["id"]) == event.id)
        assert listed["attempts"] == 2 and listed["last_error"] == "NotFound: topic"
        assert rows["firestore"]["error"] is None and rows["firestore"]["pending"] == 0  # a fresh project
    finally:
        sql("DELETE FROM outbox WHERE id = CAST(:id AS uuid)", id=event.id)
    down = events.outbox_backlog("postgresql+pg8000://nobody@127.0.0.1:9/none", None, "console-test")
    assert down[0]["error"] and down[0]["pending"] is None
