"""The Firestore outbox on the real emulator: written with the change or not at all, relayed once."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from wellness.platform.errors import ValidationError
from wellness.platform.events import Event
from wellness.platform.firestore import outbox as firestore_outbox
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness_testing import factories
from wellness_testing.fakes import FakePublisher

pytestmark = pytest.mark.integration


def profile_updated(user_id: str) -> Event:
    return factories.profile_updated(user_id)


def test_the_change_and_its_event_commit_together_and_the_event_is_written_last(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, str(uuid.uuid4())
    event = profile_updated(user_id)
    doc = db.collection("testChanges").document(user_id)

    def work(store: FirestoreTransaction) -> None:
        store.outbox.add(event)  # before a read: the outbox holds its write to the end
        assert not store.get(doc).exists
        store.create(doc, {"changed": True})

    runtime.firestore_unit_of_work(FirestoreTransaction).run(work)
    stored = db.collection("outbox").document(event.id).get().to_dict()
    assert stored["topic"] == "profile.updated" and stored["payload"]["id"] == event.id
    assert doc.get().to_dict() == {"changed": True}


def test_a_failed_transaction_writes_neither_the_change_nor_the_event(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, str(uuid.uuid4())
    event = profile_updated(user_id)
    doc = db.collection("testChanges").document(user_id)

    def work(store: FirestoreTransaction) -> None:
        store.create(doc, {"changed": True})
        store.outbox.add(event)
        raise ValidationError("boom", "the change is refused after its writes were queued")

    with pytest.raises(ValidationError):
        runtime.firestore_unit_of_work(FirestoreTransaction).run(work)
    assert not db.collection("outbox").document(event.id).get().exists
    assert not doc.get().exists


def test_prompt_publish_deletes_the_document_and_failures_stay_pending(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db = runtime.firestore
    ok, down = profile_updated(str(uuid.uuid4())), profile_updated(str(uuid.uuid4()))
    runtime.firestore_unit_of_work(FirestoreTransaction).run(lambda store: [store.outbox.add(e) for e in (ok, down)])
    publisher = FakePublisher()
    assert firestore_outbox.relay(db, publisher, timeout=1, ids=[ok.id]).published == 1
    publisher.fail = True
    assert firestore_outbox.relay(db, publisher, timeout=1, ids=[down.id]).failed == 1
    assert not db.collection("outbox").document(ok.id).get().exists
    left = db.collection("outbox").document(down.id).get().to_dict()
    assert left["attempts"] == 1 and "unavailable" in left["lastError"] and left["claimedUntil"] == 0
    publisher.fail = False
    assert firestore_outbox.relay(db, publisher, timeout=1, ids=[down.id]).published == 1
    assert [m[2]["eventId"] for m in publisher.messages] == [ok.id, down.id]


def test_concurrent_relays_publish_each_document_once(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db = runtime.firestore
    events = [profile_updated(str(uuid.uuid4())) for _ in range(12)]
    runtime.firestore_unit_of_work(FirestoreTransaction).run(lambda store: [store.outbox.add(e) for e in events])
    ids = [e.id for e in events]
    publishers = [FakePublisher() for _ in range(3)]
    threads = [
        threading.Thread(target=firestore_outbox.relay, args=(db, p), kwargs={"timeout": 5, "ids": ids})
        for p in publishers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    firestore_outbox.relay(db, publishers[0], timeout=5, ids=ids)  # whatever lost a contended claim
    published = [m[2]["eventId"] for p in publishers for m in p.messages]
    assert sorted(published) == sorted(ids)


def test_a_live_lease_is_respected_and_an_expired_one_taken_over(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, event = runtime.firestore, profile_updated(str(uuid.uuid4()))
    runtime.firestore_unit_of_work(FirestoreTransaction).run(lambda store: store.outbox.add(event))
    assert firestore_outbox._claim(db, [db.collection("outbox").document(event.id)], 60)  # a relay holds it
    assert firestore_outbox.relay(db, FakePublisher(), timeout=1, ids=[event.id]).published == 0
    db.collection("outbox").document(event.id).update({"claimedUntil": 1.0})  # that relay died long ago
    assert firestore_outbox.relay(db, FakePublisher(), timeout=1, ids=[event.id]).published == 1


def test_backlog_counts_what_is_pending(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    event = profile_updated(str(uuid.uuid4()))
    runtime.firestore_unit_of_work(FirestoreTransaction).run(lambda store: store.outbox.add(event))
    count, age = firestore_outbox.backlog(runtime.firestore)
    assert count >= 1 and age >= 0
