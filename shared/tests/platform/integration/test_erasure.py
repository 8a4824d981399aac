"""Tombstones on the real stores: written and found per user, and the user's idempotency records erased with them."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from wellness.platform import idempotency
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.idempotency import Answer, Claim, IdempotentRequest, fingerprint
from wellness.platform.postgres.unit_of_work import PostgresTransaction

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgres", "firestore"])
def store(request: pytest.FixtureRequest, runtime_for: Any) -> tuple[Any, Any]:
    """(a function's idempotency keys, a unit of work on the same store)."""
    kind = request.param
    runtime = runtime_for(kind, PUBLISH_AFTER_COMMIT="false")
    runtime.needs = (kind,)
    if kind == "postgres":
        return runtime.idempotency_keys, runtime.postgres_unit_of_work(PostgresTransaction)
    return runtime.idempotency_keys, runtime.firestore_unit_of_work(FirestoreTransaction)


def answered(keys: Any, uow: Any, user_id: str) -> IdempotentRequest:
    """A completed key of the user's, whose stored answer holds what they wrote."""
    request = IdempotentRequest("reflectionCreate", user_id, uuid.uuid4().hex, fingerprint("POST", "/x", {"t": 1}))
    keys.begin(request, "t1", now=time.time(), lease=60, ttl=86400)
    claim = Claim(request, "t1", keys.store)
    with idempotency.claimed(claim):
        uow.run(lambda s: None)
    keys.complete(claim, Answer(201, '{"text":"dear diary"}', {}))
    return request


def replayed(keys: Any, request: IdempotentRequest) -> bool:
    return bool(keys.begin(request, "t2", now=time.time(), lease=60, ttl=86400).action == "replay")


def test_a_tombstone_is_found_and_erases_the_users_stored_answers_only(store: Any) -> None:
    keys, uow = store
    leaver, stayer = str(uuid.uuid4()), str(uuid.uuid4())
    gone, kept = answered(keys, uow, leaver), answered(keys, uow, stayer)
    assert uow.run(lambda s: (s.tombstoned(leaver), s.tombstoned(stayer))) == (False, False)
    for _ in range(2):  # a second user.deleted subscriber in the same store finds it done
        uow.run(lambda s: s.tombstone(leaver))
    assert uow.run(lambda s: (s.tombstoned(leaver), s.tombstoned(stayer))) == (True, False)
    assert (replayed(keys, gone), replayed(keys, kept)) == (False, True)


def test_postgres_a_tombstone_waits_for_an_event_about_the_user_being_applied(runtime_for: Any) -> None:
    uow = runtime_for("postgres").postgres_unit_of_work(PostgresTransaction)
    user = str(uuid.uuid4())
    checked, release, order = threading.Event(), threading.Event(), []

    def apply_event(store: PostgresTransaction) -> None:
        assert not store.tombstoned(user)  # holds the user's lock, shared, until this commits
        checked.set()
        release.wait(10)
        order.append("event committed")

    applying = threading.Thread(target=lambda: uow.run(apply_event))
    applying.start()
    checked.wait(10)

    def delete_user() -> None:
        uow.run(lambda s: s.tombstone(user))
        order.append("tombstone")

    deleting = threading.Thread(target=delete_user)
    deleting.start()
    deleting.join(0.5)  # a pause, time for the tombstone to go first if nothing held it back
    release.set()
    applying.join(10)
    deleting.join(10)
    assert order == ["event committed", "tombstone"]
