"""The Firestore mirror of ended sessions, written outside any unit of work: a store that does not answer is a 503.

The records themselves (one transaction, never an earlier expiry) are the revocations' contract
suite's, on the emulator (shared/tests/platform/ports/test_revocations.py); here only how a
failed write is answered, which the emulator cannot be made to do.
"""

import datetime as dt
from typing import Any

import pytest
from google.api_core import exceptions

from wellness.platform.errors import UnavailableError
from wellness.platform.firestore.revocation import FirestoreRevocations

pytestmark = pytest.mark.unit


class _Client:
    def collection(self, name: str) -> Any:
        return self

    def document(self, key: str) -> str:
        return key


def failing(error: Exception) -> tuple[FirestoreRevocations, list[list[Any]]]:
    """A mirror whose transaction fails as the emulator's did under load (or with a wrong request)."""
    mirror = FirestoreRevocations(_Client())  # type: ignore[arg-type]
    written: list[list[Any]] = []

    def record(documents: list[Any], until: dt.datetime) -> None:
        written.append(documents)
        raise error

    mirror._record = record  # type: ignore[method-assign]
    return mirror, written


def test_a_mirror_write_past_the_deadline_is_unavailable_not_a_500() -> None:
    mirror, written = failing(exceptions.DeadlineExceeded("Deadline Exceeded"))
    with pytest.raises(UnavailableError):
        mirror.revoke(["session:abc", "session:abc"], dt.datetime.now(dt.UTC))
    assert written == [["session:abc"]]  # attempted, each key once
    with pytest.raises(exceptions.InvalidArgument):  # a wrong request is not an outage
        failing(exceptions.InvalidArgument("bad"))[0].revoke(["session:abc"], dt.datetime.now(dt.UTC))
