"""The outbox on real PostgreSQL, published to the real Pub/Sub emulator."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import select, text

from wellness.platform.postgres.outbox import backlog, relay
from wellness.platform.postgres.tables import outbox
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness.platform.pubsub import PubSubPublisher
from wellness_testing.factories import user_created
from wellness_testing.fakes import FakePublisher

pytestmark = pytest.mark.integration
PROJECT = "wellness-test"


@pytest.fixture
def observer(runtime_for: Any) -> Any:
    """A pull subscription on user.created, to see what really reached Pub/Sub."""
    runtime_for("pubsub")
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(PROJECT, "user.created")
    try:
        publisher.create_topic(name=topic)
    except AlreadyExists:
        pass
    name = subscriber.subscription_path(PROJECT, f"observer-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(name=name, topic=topic)

    def received(expected: int) -> list[Any]:
        got: list[Any] = []
        for _ in range(10):
            response = subscriber.pull(subscription=name, max_messages=50, timeout=5)
            got += [m.message for m in response.received_messages]
            if response.received_messages:
                subscriber.acknowledge(subscription=name, ack_ids=[m.ack_id for m in response.received_messages])
            if len(got) >= expected:
                break
        return got

    yield received
    subscriber.delete_subscription(subscription=name)


def pending_ids(engine: Any) -> set[str]:
    with engine.connect() as conn:
        return {str(r.id) for r in conn.execute(select(outbox.c.id).where(outbox.c.published_at.is_(None)))}


def test_event_exists_if_and_only_if_the_change_commits(runtime_for: Any) -> None:
    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    rolled_back, committed = user_created(), user_created()
    uow = runtime.postgres_unit_of_work(PostgresTransaction)

    def fails(store: PostgresTransaction) -> None:
        store.outbox.add(rolled_back)
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        uow.run(fails)
    uow.run(lambda store: store.outbox.add(committed))
    pending = pending_ids(runtime.engine)
    assert committed.id in pending and rolled_back.id not in pending


def test_prompt_publish_after_commit_reaches_pubsub(runtime_for: Any, observer: Any) -> None:
    runtime = runtime_for("postgres", "pubsub")
    event = user_created()
    runtime.postgres_unit_of_work(PostgresTransaction).run(lambda store: store.outbox.add(event))
    assert event.id not in pending_ids(runtime.engine)
    messages = [m for m in observer(1) if m.attributes["eventId"] == event.id]
    assert len(messages) == 1
    assert messages[0].attributes["eventType"] == "user.created"


def test_pubsub_down_loses_nothing_and_the_relay_catches_up(
    runtime_for: Any, observer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = runtime_for("postgres", "pubsub", PUBLISH_TIMEOUT_SECONDS="1")
    live_host = runtime_for("pubsub") and __import__("os").environ["PUBSUB_EMULATOR_HOST"]
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens: Pub/Sub is "down"
    event = user_created()
    runtime.postgres_unit_of_work(PostgresTransaction).run(
        lambda store: store.outbox.add(event)
    )  # the prompt publish fails
    assert event.id in pending_ids(runtime.engine)
    with runtime.engine.connect() as conn:
        attempts, error = conn.execute(
            text("SELECT attempts, last_error FROM outbox WHERE id = :id"), {"id": uuid.UUID(event.id)}
        ).one()
    assert attempts == 1 and error
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", live_host)  # Pub/Sub is back
    result = relay(runtime.engine, PubSubPublisher(PROJECT), timeout=5, ids=[event.id])
    assert result.published == 1
    assert event.id not in pending_ids(runtime.engine)
    assert [m.attributes["eventId"] for m in observer(1) if m.attributes["eventId"] == event.id] == [event.id]


def test_concurrent_relays_publish_each_row_once(runtime_for: Any) -> None:
    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    events = [user_created() for _ in range(30)]
    runtime.postgres_unit_of_work(PostgresTransaction).run(lambda store: [store.outbox.add(e) for e in events])
    ids = [e.id for e in events]
    publishers = [FakePublisher() for _ in range(4)]
    threads = [
        threading.Thread(target=relay, args=(runtime.engine, p), kwargs={"timeout": 5, "batch": 5, "ids": ids})
        for p in publishers
    ]
    for _ in range(3):  # several rounds, so every row is taken by someone
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        threads = [
            threading.Thread(target=relay, args=(runtime.engine, p), kwargs={"timeout": 5, "batch": 5, "ids": ids})
            for p in publishers
        ]
    while relay(runtime.engine, publishers[0], timeout=5, ids=ids).published:
        pass
    published = [m[2]["eventId"] for p in publishers for m in p.messages]
    assert sorted(published) == sorted(ids)


def test_backlog_reports_pending_count_and_age(runtime_for: Any) -> None:
    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    runtime.postgres_unit_of_work(PostgresTransaction).run(lambda store: store.outbox.add(user_created()))
    count, age = backlog(runtime.engine)
    assert count >= 1 and age >= 0


def test_published_rows_are_purged_after_the_retention_and_pending_ones_never(runtime_for: Any, sql: Any) -> None:
    from wellness.platform.postgres.outbox import purge_published

    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    old, recent, pending = (user_created() for _ in range(3))
    uow.run(lambda s: [s.outbox.add(e) for e in (old, recent, pending)])
    sql("UPDATE outbox SET published_at = now() - interval '8 days' WHERE id = :i", i=old.id)
    sql("UPDATE outbox SET published_at = now() - interval '1 day' WHERE id = :i", i=recent.id)
    sql("UPDATE outbox SET created_at = now() - interval '30 days' WHERE id = :i", i=pending.id)
    assert purge_published(runtime.engine, older_than_seconds=7 * 86400) >= 1
    ids = {"a": old.id, "b": recent.id, "c": pending.id}
    left = {str(r[0]) for r in sql("SELECT id FROM outbox WHERE id IN (:a, :b, :c)", **ids)}
    assert left == {recent.id, pending.id}
