"""Ended sessions on the real stores: a unit of work with a revoked caller commits nothing, in either store."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from wellness.platform import revocation
from wellness.platform.errors import UnauthenticatedError
from wellness.platform.firestore.revocation import FirestoreRevocations
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.postgres.revocation import PostgresRevocations
from wellness.platform.postgres.unit_of_work import PostgresTransaction

pytestmark = pytest.mark.integration

SOON = dt.timedelta(minutes=20)


def test_postgres_refuses_the_write_of_a_revoked_session_and_takes_others(runtime_for: Any, sql: Any) -> None:
    uow = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false").postgres_unit_of_work(PostgresTransaction)
    user, dead_sid, live_sid = (str(uuid.uuid4()) for _ in range(3))
    uow.run(
        lambda s: PostgresRevocations(s.connection).revoke(
            [revocation.session_key(dead_sid)], dt.datetime.now(dt.UTC) + SOON
        )
    )
    marker = f"revocation-test-{uuid.uuid4().hex}"

    def write(s: PostgresTransaction) -> None:
        s.first_delivery(marker, str(uuid.uuid4()))

    with revocation.acting_for({"sub": user, "sid": dead_sid}), pytest.raises(UnauthenticatedError) as refused:
        uow.run(write)
    assert refused.value.code == "token_revoked"
    assert sql("SELECT count(*) FROM processed_events WHERE consumer = :c", c=marker) == [(0,)]
    with revocation.acting_for({"sub": user, "sid": live_sid}):
        uow.run(write)
    assert sql("SELECT count(*) FROM processed_events WHERE consumer = :c", c=marker) == [(1,)]
    uow.run(
        lambda s: PostgresRevocations(s.connection).revoke([revocation.user_key(user)], dt.datetime.now(dt.UTC) + SOON)
    )
    with revocation.acting_for({"sub": user, "sid": live_sid}), pytest.raises(UnauthenticatedError):
        uow.run(write)


def test_an_expired_record_no_longer_refuses(runtime_for: Any, sql: Any) -> None:
    from wellness.platform.postgres.revocation import purge_expired

    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    uow = runtime.postgres_unit_of_work(PostgresTransaction)
    user = str(uuid.uuid4())
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    uow.run(lambda s: PostgresRevocations(s.connection).revoke([revocation.user_key(user)], past))
    with revocation.acting_for({"sub": user}):
        uow.run(lambda s: None)
    assert purge_expired(runtime.engine) >= 1
    assert sql("SELECT count(*) FROM revoked_tokens WHERE key = :k", k=revocation.user_key(user)) == [(0,)]


def test_firestore_refuses_the_write_of_a_deleted_account(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    uow = runtime.firestore_unit_of_work(FirestoreTransaction)
    user = str(uuid.uuid4())
    doc = runtime.firestore.collection("testChanges").document(user)
    FirestoreRevocations(runtime.firestore).revoke([revocation.user_key(user)], dt.datetime.now(dt.UTC) + SOON)
    with revocation.acting_for({"sub": user, "sid": "s1"}), pytest.raises(UnauthenticatedError):
        uow.run(lambda s: s.create(doc, {"x": 1}))
    assert not doc.get().exists
    with revocation.acting_for({"sub": str(uuid.uuid4())}):
        uow.run(lambda s: s.create(doc, {"x": 1}))
    assert doc.get().exists
