"""The Firestore mirror of ended sessions, written outside any unit of work: a store that does not answer is a 503."""

from typing import Any

import pytest
from google.api_core import exceptions

from wellness.platform.errors import UnavailableError
from wellness.platform.firestore.revocation import FirestoreRevocations

pytestmark = pytest.mark.unit


class _Batch:
    def __init__(self, error: Exception) -> None:
        self.error, self.sets = error, 0

    def set(self, ref: Any, data: Any) -> None:
        self.sets += 1

    def commit(self) -> None:
        raise self.error


class _Client:
    """Only what FirestoreRevocations.revoke calls, with a commit that fails as the emulator's did under load."""

    def __init__(self, error: Exception) -> None:
        self.last = _Batch(error)

    def batch(self) -> _Batch:
        return self.last

    def collection(self, name: str) -> Any:
        return self

    def document(self, key: str) -> str:
        return key


def test_a_mirror_write_past_the_deadline_is_unavailable_not_a_500() -> None:
    import datetime as dt

    client = _Client(exceptions.DeadlineExceeded("Deadline Exceeded"))
    with pytest.raises(UnavailableError):
        FirestoreRevocations(client).revoke(["session:abc"], dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
    assert client.last.sets == 1
    with pytest.raises(exceptions.InvalidArgument):  # a wrong request is not an outage
        FirestoreRevocations(_Client(exceptions.InvalidArgument("bad"))).revoke(  # type: ignore[arg-type]
            ["session:abc"], dt.datetime.now(dt.UTC)
        )
