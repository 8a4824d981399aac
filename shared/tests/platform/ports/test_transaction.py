"""The platform's half of every store (`Transaction`: outbox, delivery record, tombstones) and its unit of work,
run against the fake and against both real stores: the same cases."""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from wellness.platform.events import Event
from wellness.platform.firestore.unit_of_work import FirestoreTransaction
from wellness.platform.postgres.unit_of_work import PostgresTransaction
from wellness_testing.factories import user_created
from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork


class Store:
    """A unit of work, and `committed(event)`: whether the event reached the store's outbox with a commit."""

    def __init__(self, uow: Any, committed: Callable[[Event], bool]):
        self.uow, self.committed = uow, committed


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("postgres", marks=pytest.mark.integration),
        pytest.param("firestore", marks=pytest.mark.integration),
    ]
)
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "fake":
        fake = FakeUnitOfWork(FakeTransaction, FakeState())
        return Store(fake, lambda event: event.id in {e.id for e in fake.published})
    runtime = request.getfixturevalue("runtime_for")(request.param, PUBLISH_AFTER_COMMIT="false")
    if request.param == "postgres":
        sql = request.getfixturevalue("sql")
        return Store(
            runtime.postgres_unit_of_work(PostgresTransaction),
            lambda event: bool(sql("SELECT 1 FROM outbox WHERE id = :id", id=uuid.UUID(event.id))),
        )
    db = request.getfixturevalue("firestore_db")
    return Store(
        runtime.firestore_unit_of_work(FirestoreTransaction),
        lambda event: bool(db.collection("outbox").document(event.id).get().exists),
    )


def test_a_delivery_is_first_once_per_consumer(store: Store) -> None:
    event_id = str(uuid.uuid4())
    assert store.uow.run(lambda s: s.first_delivery("consumer-a", event_id)) is True
    assert store.uow.run(lambda s: s.first_delivery("consumer-a", event_id)) is False
    assert store.uow.run(lambda s: s.first_delivery("consumer-b", event_id)) is True


def test_the_events_of_committed_work_are_in_the_outbox(store: Store) -> None:
    event = user_created()
    assert store.uow.run(lambda s: s.outbox.add(event)) is None
    assert store.committed(event)


def test_work_that_raises_leaves_neither_its_events_nor_its_delivery_record(store: Store) -> None:
    event, event_id = user_created(), str(uuid.uuid4())

    def fails(s: Any) -> None:
        s.first_delivery("consumer", event_id)
        s.outbox.add(event)
        s.tombstone(event.user_id)
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        store.uow.run(fails)
    assert not store.committed(event)
    assert store.uow.run(lambda s: (s.first_delivery("consumer", event_id), s.tombstoned(event.user_id))) == (
        True,
        False,
    )


def test_an_invalid_event_is_refused_before_anything_is_written(store: Store) -> None:
    event = user_created()
    broken = Event(**{**event.__dict__, "data": {"userId": event.user_id}})  # no email, name or zone
    with pytest.raises(Exception):  # noqa: B017 - the schema's ValidationError
        store.uow.run(lambda s: s.outbox.add(broken))
    assert not store.committed(broken)


def test_a_tombstone_is_kept_for_good_and_names_only_its_user(store: Store) -> None:
    erased, other = str(uuid.uuid4()), str(uuid.uuid4())
    assert store.uow.run(lambda s: s.tombstoned(erased)) is False
    store.uow.run(lambda s: s.tombstone(erased))
    store.uow.run(lambda s: s.tombstone(erased))  # a redelivered user.deleted
    assert store.uow.run(lambda s: (s.tombstoned(erased), s.tombstoned(other))) == (True, False)
