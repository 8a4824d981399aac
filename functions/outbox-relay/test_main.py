"""outbox-relay publishes what the prompt publish left pending."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from devstack.catalog import load_catalog
from wellness.platform.config import load_settings
from wellness.platform.events import Event
from wellness.platform.postgres.unit_of_work import PostgresTransaction, PostgresUnitOfWork

pytestmark = pytest.mark.functional


def test_relay_publishes_pending_events(load_function, postgres_url, pubsub_emulator) -> None:
    client = load_function("outbox-relay")
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher = pubsub_v1.PublisherClient()
    # Every topic: the session's outbox holds the other tests' events too, and a batch with a
    # failure ends the relay's run (it would stop before this test's event).
    for topic in load_catalog().topics:
        try:
            publisher.create_topic(name=publisher.topic_path("wellness-test", topic))
        except AlreadyExists:
            pass
    user_id = str(uuid.uuid4())
    event = Event.new(
        "user.created",
        user_id=user_id,
        data={"userId": user_id, "email": "r@example.com", "displayName": "R", "timezone": "UTC"},
    )
    engine = create_engine(postgres_url)
    settings = load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "t", "DATABASE_URL": postgres_url})
    assert settings.database_url
    # No after-commit hook: the event stays pending.
    PostgresUnitOfWork(engine, PostgresTransaction).run(lambda store: store.outbox.add(event))
    response = client.post("/", json={})
    assert response.status_code == 200
    assert response.get_json()["published"] >= 1
    with engine.connect() as conn:
        published_at = conn.execute(text("SELECT published_at FROM outbox WHERE id = :id"), {"id": uuid.UUID(event.id)})
        assert published_at.scalar() is not None
    engine.dispose()
    assert client.get("/").status_code == 405


def test_relay_publishes_the_firestore_outbox_too(load_function, firestore_db, pubsub_emulator) -> None:
    client = load_function("outbox-relay")
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher = pubsub_v1.PublisherClient()
    # Every topic: the session's outbox holds the other tests' events too, and a batch with a
    # failure ends the relay's run (it would stop before this test's event).
    for topic in load_catalog().topics:
        try:
            publisher.create_topic(name=publisher.topic_path("wellness-test", topic))
        except AlreadyExists:
            pass
    from wellness.platform.firestore.unit_of_work import FirestoreTransaction, FirestoreUnitOfWork

    user_id = str(uuid.uuid4())
    event = Event.new(
        "profile.updated", user_id=user_id, data={"userId": user_id, "displayName": "A", "timezone": "UTC"}
    )
    FirestoreUnitOfWork(lambda: firestore_db, FirestoreTransaction).run(lambda store: store.outbox.add(event))
    body = client.post("/", json={}).get_json()
    assert body["firestorePublished"] >= 1 and "firestorePending" in body
    assert not firestore_db.collection("outbox").document(event.id).get().exists
