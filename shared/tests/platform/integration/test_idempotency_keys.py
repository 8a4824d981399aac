"""Idempotency keys on the real stores: concurrent claims, purge (what every store of keys must do, the fake
as well, is the contract suite's: ../ports)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from wellness.platform.errors import ConflictError
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.idempotency import IdempotentRequest, fingerprint
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
