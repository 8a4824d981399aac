"""The reflection adapters on the Firestore emulator: paging under concurrent inserts, the event with the
reflection, erasure in batches (what every reflection store must do is the contract suite's, ../ports)."""

import threading
from typing import Any

import pytest

from wellness.platform.clock import utc_now
from wellness.platform.errors import ValidationError
from wellness.platform.events import Event
from wellness.reflection.adapters import FirestoreReflectionStore
from wellness.reflection.model import Reflection
from wellness.reflection.wiring import reflection_service
from wellness_testing.factories import new_user_id

pytestmark = pytest.mark.integration


def test_reflection_paging_is_stable_under_concurrent_inserts(runtime_for: Any) -> None:
    service = reflection_service(runtime_for("firestore", PUBLISH_AFTER_COMMIT="false"))
    user_id = new_user_id()

    def log(n: int) -> dict[str, Any]:
        return service.create(user_id, {"mood": 1 + n % 5, "text": f"r{n}"})

    before = [log(n)["id"] for n in range(7)]
    seen: list[str] = []
    page = service.list_page(user_id, limit=3)
    inserts = [threading.Thread(target=log, args=(100 + n,)) for n in range(4)]
    for t in inserts:
        t.start()
    while True:
        seen += [r["id"] for r in page["items"]]
        if not page["nextCursor"]:
            break
        page = service.list_page(user_id, limit=3, cursor=page["nextCursor"])
    for t in inserts:
        t.join()
    older = [i for i in seen if i in before]
    assert older == list(reversed(before))  # every earlier one once, newest first, whatever was added meanwhile
    assert len(seen) == len(set(seen))


def test_create_writes_the_reflection_and_its_event_together_in_the_profile_s_zone(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, new_user_id()
    db.collection("profiles").document(user_id).set(
        {
            "userId": user_id,
            "displayName": "A",
            "timezone": "Asia/Tokyo",
            "bio": "",
            "createdAt": "2026-01-01T00:00:00.000000Z",
            "updatedAt": "2026-01-01T00:00:00.000000Z",
        }
    )
    created = reflection_service(runtime).create(user_id, {"mood": 3, "text": "secret words"})
    stored = db.document(f"users/{user_id}/reflections/{created['id']}").get().to_dict()
    assert stored["timezone"] == "Asia/Tokyo" and stored["userId"] == user_id
    pending = [s.to_dict() for s in db.collection("outbox").stream()]
    mine = [d for d in pending if d["payload"]["data"].get("reflectionId") == created["id"]]
    assert len(mine) == 1 and mine[0]["topic"] == "reflection.logged"
    assert mine[0]["payload"]["data"]["timezone"] == "Asia/Tokyo"
    assert "secret words" not in str(mine[0])  # the journal text never leaves the reflection


def test_a_failed_transaction_writes_neither_the_reflection_nor_the_event(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, new_user_id()
    reflection = Reflection.new("r1", user_id, {"mood": 3, "text": "never stored"}, "UTC", at=utc_now())
    event = Event.new("reflection.logged", user_id=user_id, data=reflection.logged_event_data())

    def work(store: FirestoreReflectionStore) -> None:
        store.reflections.add(reflection)
        store.outbox.add(event)
        raise ValidationError("boom", "the change is refused after its writes were queued")

    with pytest.raises(ValidationError):
        runtime.firestore_unit_of_work(FirestoreReflectionStore).run(work)
    assert not db.collection("outbox").document(event.id).get().exists
    assert list(db.collection("users").document(user_id).collection("reflections").stream()) == []


def test_erasure_goes_in_batches_smaller_than_the_user_s_reflections(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    service, uow = reflection_service(runtime), runtime.firestore_unit_of_work(FirestoreReflectionStore)
    me = new_user_id()
    for n in range(5):
        service.create(me, {"mood": 3, "text": f"r{n}"})
    assert uow.run(lambda store: store.reflections.erase_user(me, batch_size=2)) == 5
    assert service.list_page(me, limit=10)["items"] == []
