"""Idempotency keys on the real stores: claims, the mark in the work's own transaction, take-over, purge."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from wellness.platform import idempotency
from wellness.platform.errors import ConflictError
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.idempotency import Answer, Claim, IdempotentRequest, fingerprint
from wellness.platform.postgres.unit_of_work import PostgresTransaction

pytestmark = pytest.mark.integration

LEASE, TTL = 60.0, 86400.0


def new_request(body: object = None) -> IdempotentRequest:
    return IdempotentRequest("op", str(uuid.uuid4()), uuid.uuid4().hex, fingerprint("POST", "/x", body))


@pytest.fixture(params=["postgres", "firestore"])
def store(request: pytest.FixtureRequest, runtime_for: Any) -> tuple[Any, Any]:
    """(a function's keys, a unit of work on the same store)."""
    kind = request.param
    runtime = runtime_for(kind, PUBLISH_AFTER_COMMIT="false")
    runtime.needs = (kind,)
    if kind == "postgres":
        return runtime.idempotency_keys, runtime.postgres_unit_of_work(PostgresTransaction)
    return runtime.idempotency_keys, runtime.firestore_unit_of_work(FirestoreTransaction)


def test_a_claim_then_a_mismatch_then_a_replay(store: Any) -> None:
    keys, uow = store
    req = new_request({"a": 1})
    assert keys.begin(req, "t1", now=time.time(), lease=LEASE, ttl=TTL).action == "claim"
    claim = Claim(req, "t1", keys.store)
    with idempotency.claimed(claim):
        uow.run(lambda s: None)
    assert claim.committed
    with pytest.raises(ConflictError) as running:
        keys.begin(req, "t2", now=time.time(), lease=LEASE, ttl=TTL)
    assert running.value.code == "idempotency_key_in_progress"
    keys.complete(claim, Answer(201, '{"id":"1"}', {"ETag": '"3"'}))
    replay = keys.begin(req, "t3", now=time.time(), lease=LEASE, ttl=TTL)
    assert (replay.action, replay.answer) == ("replay", Answer(201, '{"id":"1"}', {"ETag": '"3"'}))
    other = IdempotentRequest(req.operation_id, req.user_id, req.key, fingerprint("POST", "/x", {"a": 2}))
    with pytest.raises(idempotency.IdempotencyError):
        keys.begin(other, "t4", now=time.time(), lease=LEASE, ttl=TTL)


def test_a_released_claim_may_be_claimed_again(store: Any) -> None:
    keys, _ = store
    req = new_request()
    keys.begin(req, "t1", now=time.time(), lease=LEASE, ttl=TTL)
    keys.release(Claim(req, "t1", keys.store))
    assert keys.begin(req, "t2", now=time.time(), lease=LEASE, ttl=TTL).action == "claim"


def test_work_whose_claim_was_taken_over_does_not_commit(store: Any) -> None:
    keys, uow = store
    req = new_request()
    now = time.time()
    keys.begin(req, "slow", now=now, lease=LEASE, ttl=TTL)
    # The lease ran out with nothing committed: a retry takes the key over.
    assert keys.begin(req, "retry", now=now + LEASE + 1, lease=LEASE, ttl=TTL).action == "claim"
    slow = Claim(req, "slow", keys.store)
    with idempotency.claimed(slow), pytest.raises(ConflictError):
        uow.run(lambda s: None)
    assert not slow.committed


def test_concurrent_first_requests_claim_once(store: Any) -> None:
    keys, _ = store
    req = new_request()
    outcomes: list[str] = []

    def begin(token: str) -> None:
        try:
            outcomes.append(keys.begin(req, token, now=time.time(), lease=LEASE, ttl=TTL).action)
        except ConflictError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=begin, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["claim"] + ["idempotency_key_in_progress"] * 3


def test_expired_keys_are_purged(store: Any) -> None:
    keys, _ = store
    req = new_request()
    keys.begin(req, "old", now=time.time() - TTL - 10, lease=LEASE, ttl=TTL)
    from wellness.platform.firestore import idempotency as firestore_keys
    from wellness.platform.postgres import idempotency as postgres_keys

    if keys.store == "postgres":
        assert postgres_keys.purge_expired(keys._engine) >= 1
    else:
        assert firestore_keys.purge_expired(keys._client) >= 1
    assert keys.begin(req, "new", now=time.time(), lease=LEASE, ttl=TTL).action == "claim"
