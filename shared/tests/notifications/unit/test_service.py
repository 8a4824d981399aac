"""NotificationService on fakes: one mail per event, recorded with it; a failed send raises and records nothing."""

import pytest

from wellness.auth.reset_tokens import parse_reset_token
from wellness.notifications.ports import MailError
from wellness_testing.factories import password_reset_requested, user_created
from wellness_testing.fakes.notifications import RESET_KEY, RESET_URL, FakeMailer, fake_notification_service

pytestmark = pytest.mark.unit


def test_user_created_sends_the_welcome_mail_and_records_it() -> None:
    mailer = FakeMailer()
    service, uow = fake_notification_service(mailer)
    event = user_created(displayName="Pia", email="pia@example.com")
    uow.run(lambda store: service.on_user_created(store, event))
    ((key, mail),) = mailer.sent
    assert (key, mail.to, mail.kind) == (event.id, "pia@example.com", "welcome")
    assert mail.subject == "Welcome to Wellness, Pia"
    record = uow.read(lambda store: store.sent_mail.get(event.id))
    assert record is not None
    assert (record.user_id, record.kind, record.provider_id) == (event.user_id, "welcome", "fake-1")


def test_the_reset_mail_carries_a_link_whose_token_derives_from_the_reset_id() -> None:
    mailer = FakeMailer()
    service, uow = fake_notification_service(mailer)
    event = password_reset_requested(expiresAt="2030-01-01T00:00:00Z")
    assert "token" not in str(event.data)  # the event carries no credential: the subscriber derives it
    uow.run(lambda store: service.on_password_reset_requested(store, event))
    ((_, mail),) = mailer.sent
    (link,) = [line for line in mail.text.splitlines() if line.startswith(RESET_URL + "?token=")]
    assert parse_reset_token(RESET_KEY, link.split("token=", 1)[1]) == event.data["resetId"]
    assert "2030-01-01T00:00:00Z" in mail.text and mail.kind == "password_reset"
    record = uow.read(lambda store: store.sent_mail.get(event.id))
    assert record is not None and record.kind == "password_reset"


def test_a_failed_send_raises_and_records_nothing() -> None:
    mailer = FakeMailer()
    service, uow = fake_notification_service(mailer)
    event = user_created()
    mailer.fail = True
    with pytest.raises(MailError):  # the subscriber rolls back and nacks: Pub/Sub delivers it again
        uow.run(lambda store: service.on_user_created(store, event))
    assert uow.state.sent_mail == {} and mailer.sent == []
    mailer.fail = False
    uow.run(lambda store: service.on_user_created(store, event))
    assert len(mailer.sent) == 1 and event.id in uow.state.sent_mail


def test_a_delivery_handled_once_sends_once() -> None:
    mailer = FakeMailer()
    service, uow = fake_notification_service(mailer)
    event = user_created()

    def deliver(store) -> None:  # what @subscriber does in its transaction
        if store.first_delivery("notifications-on-user-created", event.id):
            service.on_user_created(store, event)

    for _ in range(3):
        uow.run(deliver)
    assert len(mailer.sent) == 1


def test_a_mail_never_shows_its_address_or_body() -> None:
    mailer = FakeMailer()
    service, uow = fake_notification_service(mailer)
    uow.run(lambda store: service.on_user_created(store, user_created(email="secret@example.com")))
    ((_, mail),) = mailer.sent
    assert "secret@example.com" not in repr(mail) and "Welcome" not in repr(mail)
