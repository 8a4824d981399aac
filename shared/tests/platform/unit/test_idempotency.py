"""Idempotency keys on a fake store: replay, mismatch, in progress, answer lost, take-over, expiry."""

from __future__ import annotations

import pytest

from wellness.platform import idempotency
from wellness.platform.errors import AppError, ConflictError, NotFoundError
from wellness.platform.idempotency import Answer, IdempotencyError, IdempotentRequest, fingerprint, serve_once
from wellness_testing.clocks import ManualTimer
from wellness_testing.fakes.idempotency import FakeIdempotencyKeys

pytestmark = pytest.mark.unit

LEASE, TTL = 60.0, 86400.0


def request(body: object = None, user: str = "u1", key: str = "k1") -> IdempotentRequest:
    return IdempotentRequest("communityCreatePost", user, key, fingerprint("POST", "/v1/community/posts", body))


def error_answer(error: AppError) -> Answer:
    return Answer(error.status, error.code, {})


class Work:
    """A handler that counts its runs; `commit` marks the claim as a unit of work would."""

    def __init__(self, keys: FakeIdempotencyKeys, *, commit: bool = True, fail: Exception | None = None):
        self.keys, self.commit, self.fail, self.runs = keys, commit, fail, 0

    def __call__(self) -> Answer:
        self.runs += 1
        claim = idempotency.active("fake")
        assert claim is not None
        if self.commit:
            self.keys.mark(claim)
        if self.fail is not None:
            raise self.fail
        return Answer(201, f'{{"run":{self.runs}}}', {"ETag": '"1"'})


def once(keys: FakeIdempotencyKeys, work: Work, req: IdempotentRequest, clock: ManualTimer) -> Answer:
    return serve_once(keys, req, work, error_answer, lease_seconds=LEASE, ttl_seconds=TTL, clock=clock)


@pytest.fixture
def keys() -> FakeIdempotencyKeys:
    return FakeIdempotencyKeys()


def test_a_retry_replays_the_first_answer_without_running_again(keys: FakeIdempotencyKeys) -> None:
    clock, work = ManualTimer(), Work(keys)
    first = once(keys, work, request({"text": "hi"}), clock)
    clock.now += 3600
    again = once(keys, work, request({"text": "hi"}), clock)
    assert work.runs == 1
    assert (again.status, again.body) == (first.status, first.body) == (201, '{"run":1}')
    assert again.headers == {"ETag": '"1"', "Idempotent-Replayed": "true"}


def test_the_same_key_with_another_body_is_a_422(keys: FakeIdempotencyKeys) -> None:
    clock, work = ManualTimer(), Work(keys)
    once(keys, work, request({"text": "hi"}), clock)
    with pytest.raises(IdempotencyError) as refused:
        once(keys, work, request({"text": "changed"}), clock)
    assert (refused.value.status, refused.value.code, work.runs) == (422, "idempotency_key_reused", 1)


def test_keys_are_per_user(keys: FakeIdempotencyKeys) -> None:
    clock, work = ManualTimer(), Work(keys)
    once(keys, work, request({"text": "hi"}, user="u1"), clock)
    once(keys, work, request({"text": "hi"}, user="u2"), clock)
    assert work.runs == 2


def test_a_request_still_running_gets_409_with_retry_after(keys: FakeIdempotencyKeys) -> None:
    clock = ManualTimer()
    seen: list[Exception] = []

    def nested() -> Answer:
        clock.now += 5
        try:
            once(keys, Work(keys), request(), clock)  # the app's retry, while the first still runs
        except ConflictError as error:
            seen.append(error)
        return Answer(201, "{}", {})

    serve_once(keys, request(), nested, error_answer, lease_seconds=LEASE, ttl_seconds=TTL, clock=clock)
    assert [getattr(e, "code", "") for e in seen] == ["idempotency_key_in_progress"]
    (in_progress,) = seen
    assert isinstance(in_progress, idempotency.InProgressError) and in_progress.retry_after_seconds == 55


def test_a_claim_whose_request_died_before_committing_is_taken_over_after_its_lease(
    keys: FakeIdempotencyKeys,
) -> None:
    clock = ManualTimer()
    keys.begin(request(), "dead", now=clock.now, lease=LEASE, ttl=TTL)  # then the instance died
    clock.now += LEASE + 1
    work = Work(keys)
    assert once(keys, work, request(), clock).status == 201 and work.runs == 1


def test_work_committed_without_an_answer_is_never_run_twice(keys: FakeIdempotencyKeys) -> None:
    clock, work = ManualTimer(), Work(keys, fail=RuntimeError("crash after commit"))
    with pytest.raises(RuntimeError):
        once(keys, work, request(), clock)
    clock.now += LEASE + 1
    with pytest.raises(ConflictError) as lost:
        once(keys, Work(keys), request(), clock)
    assert lost.value.code == "idempotency_key_answer_lost"


def test_an_error_before_any_commit_gives_the_key_back(keys: FakeIdempotencyKeys) -> None:
    clock = ManualTimer()
    with pytest.raises(NotFoundError):
        once(keys, Work(keys, commit=False, fail=NotFoundError("post_not_found", "no")), request(), clock)
    work = Work(keys)
    assert once(keys, work, request(), clock).status == 201 and work.runs == 1


def test_an_error_after_a_commit_is_replayed(keys: FakeIdempotencyKeys) -> None:
    clock = ManualTimer()
    with pytest.raises(ConflictError):
        once(keys, Work(keys, fail=ConflictError("already_enrolled", "twice")), request(), clock)
    replay = once(keys, Work(keys), request(), clock)
    assert (replay.status, replay.body) == (409, "already_enrolled")


def test_a_key_expires_after_its_ttl(keys: FakeIdempotencyKeys) -> None:
    clock, work = ManualTimer(), Work(keys)
    once(keys, work, request({"text": "hi"}), clock)
    clock.now += TTL + 1
    assert once(keys, work, request({"text": "other"}), clock).body == '{"run":2}'


@pytest.mark.parametrize("raw", ["", "a b", "é", "x" * 256, "tab\there"])
def test_malformed_keys_are_a_400(raw: str) -> None:
    with pytest.raises(AppError) as refused:
        idempotency.check_key(raw)
    assert (refused.value.status, refused.value.code) == (400, "invalid_idempotency_key")
