"""The idempotency keys' contract, run against the fake and against both real stores: the same cases.

A key is marked by the unit of work that does its request's work (`committed`): on the real stores,
any unit of work run while the claim is active; the fake has no unit of work of its own, so its
caller marks it (`FakeIdempotencyKeys.mark`), as the fake handlers of the unit tests do.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import pytest

from wellness.platform import idempotency
from wellness.platform.errors import ConflictError
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.idempotency import Answer, Claim, IdempotentRequest, fingerprint
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness_testing.fakes.idempotency import FakeIdempotencyKeys

LEASE, TTL = 60.0, 86400.0
ANSWER = Answer(201, '{"id":"1"}', {"ETag": '"3"'})


class Keys:
    """A store's keys, and `commit(claim)`: the work of the claim's request committing (and marking it)."""

    def __init__(self, keys: Any, commit: Callable[[Claim], None]):
        self.keys, self.commit = keys, commit

    def begin(self, request: IdempotentRequest, token: str, now: float | None = None) -> Any:
        return self.keys.begin(request, token, now=time.time() if now is None else now, lease=LEASE, ttl=TTL)

    def claim(self, request: IdempotentRequest, token: str) -> Claim:
        return Claim(request, token, self.keys.store)


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("postgres", marks=pytest.mark.integration),
        pytest.param("firestore", marks=pytest.mark.integration),
    ]
)
def keys(request: pytest.FixtureRequest) -> Keys:
    if request.param == "fake":
        fake = FakeIdempotencyKeys()
        return Keys(fake, fake.mark)
    runtime = request.getfixturevalue("runtime_for")(request.param, PUBLISH_AFTER_COMMIT="false")
    runtime.needs = (request.param,)
    if request.param == "postgres":
        uow = runtime.postgres_unit_of_work(PostgresTransaction)
    else:
        uow = runtime.firestore_unit_of_work(FirestoreTransaction)

    def commit(claim: Claim) -> None:
        with idempotency.claimed(claim):
            uow.run(lambda store: None)

    return Keys(runtime.idempotency_keys, commit)


def new_request(body: object = None, user_id: str | None = None, key: str | None = None) -> IdempotentRequest:
    return IdempotentRequest(
        "op", user_id or str(uuid.uuid4()), key or uuid.uuid4().hex, fingerprint("POST", "/x", body)
    )


def test_a_claim_then_a_request_still_running_then_a_replay_of_the_answer(keys: Keys) -> None:
    req = new_request({"a": 1})
    assert keys.begin(req, "t1").action == "claim"
    claim = keys.claim(req, "t1")
    keys.commit(claim)
    assert claim.committed
    with pytest.raises(ConflictError) as running:
        keys.begin(req, "t2")
    assert running.value.code == "idempotency_key_in_progress"
    keys.keys.complete(claim, ANSWER)
    replay = keys.begin(req, "t3")
    assert (replay.action, replay.answer) == ("replay", ANSWER)


def test_the_same_key_with_another_body_is_refused_and_keys_are_per_user(keys: Keys) -> None:
    req = new_request({"a": 1})
    keys.begin(req, "t1")
    keys.keys.complete(keys.claim(req, "t1"), ANSWER)
    with pytest.raises(idempotency.IdempotencyError):
        keys.begin(new_request({"a": 2}, req.user_id, req.key), "t2")
    assert keys.begin(new_request({"a": 1}, key=req.key), "t3").action == "claim"  # another user's key


def test_a_released_claim_may_be_claimed_again_but_not_once_its_work_committed(keys: Keys) -> None:
    free, done = new_request(), new_request()
    for req in (free, done):
        keys.begin(req, "t1")
    keys.commit(keys.claim(done, "t1"))
    for req in (free, done):
        keys.keys.release(keys.claim(req, "t1"))
    assert keys.begin(free, "t2").action == "claim"
    with pytest.raises(ConflictError):  # committed work is never redone: the claim stays
        keys.begin(done, "t2")


def test_a_claim_taken_over_neither_commits_nor_completes_nor_releases(keys: Keys) -> None:
    req = new_request()
    now = time.time()
    keys.begin(req, "slow", now)
    # The lease ran out with nothing committed: a retry takes the key over.
    assert keys.begin(req, "retry", now + LEASE + 1).action == "claim"
    slow = keys.claim(req, "slow")
    with pytest.raises(ConflictError):
        keys.commit(slow)
    assert not slow.committed
    keys.keys.complete(slow, Answer(500, "{}", {}))
    keys.keys.release(slow)
    with pytest.raises(ConflictError):  # still the retry's
        keys.begin(req, "third", now + LEASE + 2)
    retry = keys.claim(req, "retry")
    keys.commit(retry)
    keys.keys.complete(retry, ANSWER)
    assert keys.begin(req, "fourth").answer == ANSWER


def test_a_key_past_its_ttl_is_claimed_afresh(keys: Keys) -> None:
    req = new_request()
    then = time.time() - TTL - 10
    keys.begin(req, "old", then)
    old = keys.claim(req, "old")
    keys.commit(old)
    keys.keys.complete(old, ANSWER)
    assert keys.begin(req, "new").action == "claim"
