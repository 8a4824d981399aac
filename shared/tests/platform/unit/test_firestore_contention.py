"""Firestore transactions that lose every race outside a unit of work: each answered as its caller means.

The client gives up on an aborted transaction after its attempts with a bare ValueError
("Failed to commit transaction in 5 attempts"); under load the emulator did this to four
requests racing for one idempotency key (a 500 then) and to relays racing for one outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from google.api_core import exceptions

from wellness.platform.errors import ConflictError, UnavailableError
from wellness.platform.firestore import outbox
from wellness.platform.firestore.idempotency import FirestoreIdempotencyKeys
from wellness.platform.firestore.revocation import FirestoreRevocations
from wellness.platform.idempotency import IdempotentRequest, InProgressError, fingerprint

pytestmark = pytest.mark.unit

LOST = ValueError("Failed to commit transaction in 5 attempts.")


class _Client:
    """Documents by path; every transaction fails with `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def collection(self, name: str) -> Any:
        return self

    def document(self, key: str) -> Any:
        return self

    def transaction(self) -> Any:
        raise self.error


def request() -> IdempotentRequest:
    return IdempotentRequest("op", "u1", "k1", fingerprint("POST", "/x", None))


def begin(error: Exception) -> Any:
    keys = FirestoreIdempotencyKeys(_Client(error))  # type: ignore[arg-type]
    return keys.begin(request(), "t1", now=0.0, lease=60.0, ttl=86400.0)


def test_a_key_lost_to_a_racing_request_is_in_progress_not_a_500() -> None:
    with pytest.raises(InProgressError) as racing:
        begin(LOST)
    assert racing.value.code == "idempotency_key_in_progress" and racing.value.retry_after_seconds == 1
    with pytest.raises(InProgressError):
        begin(exceptions.Aborted("Transaction lock timeout."))
    with pytest.raises(UnavailableError):
        begin(exceptions.DeadlineExceeded("Deadline Exceeded"))
    with pytest.raises(exceptions.InvalidArgument):  # a wrong request is neither
        begin(exceptions.InvalidArgument("bad"))


def test_outbox_documents_lost_to_another_relay_are_left_to_it() -> None:
    assert outbox._claim(_Client(LOST), [], 60.0) == []  # type: ignore[arg-type]
    with pytest.raises(exceptions.InvalidArgument):
        outbox._claim(_Client(exceptions.InvalidArgument("bad")), [], 60.0)  # type: ignore[arg-type]


def test_a_session_ended_twice_at_once_is_a_409_contention() -> None:
    mirror = FirestoreRevocations(_Client(LOST))  # type: ignore[arg-type]
    with pytest.raises(ConflictError) as racing:
        mirror.revoke(["session:abc"], dt.datetime.now(dt.UTC))
    assert racing.value.code == "contention"
