"""The ended-session records' contract (wellness.platform.revocation), run against the fake and both real stores.

Auth records ended sessions in its PostgreSQL transaction and mirrors them to Firestore; every
unit of work that writes for a caller checks the caller's records in its own store. The same
cases on the fake unit of work (its state's records), PostgreSQL (`revoked_tokens`) and the
Firestore emulator (`revokedTokens`), so a fake that lets an ended session write fails here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from wellness.platform import revocation
from wellness.platform.errors import UnauthenticatedError
from wellness.platform.firestore.revocation import FirestoreRevocations
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.postgres.revocation import PostgresRevocations
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness.platform.revocation import session_key, user_key
from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork
from wellness_testing.fakes.auth import FakeRevocations


class Records:
    """One store's records (`revoke`) and a unit of work on the same store that checks them."""

    def __init__(self, revoke: Callable[[Sequence[str], dt.datetime], None], uow: Any):
        self.revoke, self.uow = revoke, uow

    def writes_for(self, claims: dict[str, str] | None) -> bool:
        """Whether a unit of work acting for a token with these claims commits (False: 401 token_revoked)."""
        with revocation.acting_for(claims):
            try:
                self.uow.run(lambda store: None)
            except UnauthenticatedError as refused:
                assert refused.code == "token_revoked"
                return False
        return True


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("postgres", marks=pytest.mark.integration),
        pytest.param("firestore", marks=pytest.mark.integration),
    ]
)
def records(request: pytest.FixtureRequest) -> Records:
    if request.param == "fake":
        uow = FakeUnitOfWork(FakeTransaction, FakeState())
        return Records(lambda keys, until: FakeRevocations(uow.state.revoked).revoke(keys, until), uow)
    runtime = request.getfixturevalue("runtime_for")(request.param, PUBLISH_AFTER_COMMIT="false")
    if request.param == "postgres":
        pg = runtime.postgres_unit_of_work(PostgresTransaction)

        def in_auth_transaction(keys: Sequence[str], until: dt.datetime) -> None:
            pg.run(lambda store: PostgresRevocations(store.connection).revoke(keys, until))

        return Records(in_auth_transaction, pg)
    return Records(FirestoreRevocations(runtime.firestore).revoke, runtime.firestore_unit_of_work(FirestoreTransaction))


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def ids() -> tuple[str, str]:
    return str(uuid.uuid4()), str(uuid.uuid4())


def test_an_ended_account_writes_nothing_more_and_other_accounts_go_on(records: Records) -> None:
    gone, other = ids()
    records.revoke([user_key(gone)], later(1200))
    assert not records.writes_for({"sub": gone, "sid": "s1"})
    assert not records.writes_for({"sub": gone})
    assert records.writes_for({"sub": other, "sid": "s1"})


def test_ending_one_session_leaves_the_account_s_other_sessions(records: Records) -> None:
    user, (ended, kept) = str(uuid.uuid4()), ids()
    records.revoke([session_key(ended)], later(1200))
    assert not records.writes_for({"sub": user, "sid": ended})
    assert records.writes_for({"sub": user, "sid": kept})


def test_an_expired_record_refuses_nothing(records: Records) -> None:
    user, _ = ids()
    records.revoke([user_key(user)], later(-5))
    assert records.writes_for({"sub": user})


def test_recording_again_never_shortens_a_record(records: Records) -> None:
    """Two instances end the same session (a retried log-out): the later expiry stands, whichever writes last."""
    user, _ = ids()
    records.revoke([user_key(user)], later(1200))
    records.revoke([user_key(user)], later(-5))
    assert not records.writes_for({"sub": user})


def test_work_with_no_caller_and_reads_are_not_checked(records: Records) -> None:
    user, _ = ids()
    records.revoke([user_key(user)], later(1200))
    assert records.writes_for(None)  # a subscriber, a job: nobody's token
    with revocation.acting_for({"sub": user}):
        assert records.uow.read(lambda store: "read") == "read"
