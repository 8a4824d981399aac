"""The sent-mail record on PostgreSQL, in the transaction that records the delivery."""

import uuid
from typing import Any

import pytest

from wellness.notifications.adapters import PostgresNotificationsStore
from wellness.notifications.model import SentMailRecord

pytestmark = pytest.mark.integration


def test_a_sent_mail_is_recorded_with_the_delivery_or_not_at_all(runtime_for: Any) -> None:
    uow = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false").postgres_unit_of_work(PostgresNotificationsStore)
    record = SentMailRecord(str(uuid.uuid4()), str(uuid.uuid4()), "welcome", "<id@sink>")

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
