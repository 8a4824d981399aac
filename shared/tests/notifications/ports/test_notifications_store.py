"""The sent-mail record's contract, run against the fake and against PostgreSQL: the same cases."""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from wellness.notifications.adapters import PostgresNotificationsStore
from wellness.notifications.model import SentMailRecord
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.notifications import FakeNotificationsStore, NotificationsState


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    fake = lambda: FakeUnitOfWork(FakeNotificationsStore, NotificationsState())  # noqa: E731
    return contract_uow(fake, "postgres", PostgresNotificationsStore)


def new_record(user_id: str | None = None, kind: str = "welcome") -> SentMailRecord:
    return SentMailRecord(str(uuid.uuid4()), user_id or str(uuid.uuid4()), kind, f"<{uuid.uuid4().hex}@sink>")


def test_a_sent_mail_is_recorded_with_the_delivery_or_not_at_all(uow: Any) -> None:
    record = new_record()

    def fails(store: Any) -> None:
        store.first_delivery("notifications-test", record.event_id)
        store.sent_mail.add(record)
        raise ConnectionError("the commit never happens")

    with pytest.raises(ConnectionError):
        uow.run(fails)
    assert uow.read(lambda s: s.sent_mail.get(record.event_id)) is None
    assert uow.run(lambda s: s.first_delivery("notifications-test", record.event_id)) is True
    uow.run(lambda s: s.sent_mail.add(record))
    assert uow.read(lambda s: s.sent_mail.get(record.event_id)) == record


def test_one_record_per_event_the_first_stays(uow: Any) -> None:
    record = new_record()
    uow.run(lambda s: s.sent_mail.add(record))
    twin = SentMailRecord(record.event_id, record.user_id, "password_reset", "<other@sink>")
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, the primary key's IntegrityError
        uow.run(lambda s: s.sent_mail.add(twin))
    assert uow.read(lambda s: s.sent_mail.get(record.event_id)) == record


def test_erasing_a_user_forgets_their_mail_only_and_says_how_much(uow: Any) -> None:
    user = str(uuid.uuid4())
    theirs = [new_record(user, kind) for kind in ("welcome", "password_reset")]
    other = new_record()
    uow.run(lambda s: [s.sent_mail.add(r) for r in (*theirs, other)])
    assert uow.run(lambda s: s.sent_mail.erase_user(user)) == 2
    assert uow.run(lambda s: s.sent_mail.erase_user(user)) == 0
    assert uow.read(lambda s: [s.sent_mail.get(r.event_id) for r in (*theirs, other)]) == [None, None, other]
