"""Send the mail an event calls for, once per event, recording it in the subscriber's transaction.

The subscriber records the delivery, calls the handler, and commits, all in one
transaction of this service's unit of work. So:

- a send that fails raises: the transaction rolls back, the delivery is nacked and
  retried (then dead-lettered after the subscription's attempts): never lost;
- a redelivered or duplicated event finds its delivery recorded and sends nothing; a
  concurrent duplicate waits on the record's row lock, then finds it recorded;
- the one window left: the provider accepted the mail and then the commit failed (the
  database went away in between). The event is retried and the mail goes out a second
  time. That window is milliseconds wide; closing it would need the provider to dedupe
  on our key, which SMTP cannot and Mailjet does not promise.

    >>> from wellness_testing.factories import user_created
    >>> from wellness_testing.fakes.notifications import FakeMailer, fake_notification_service
    >>> mailer = FakeMailer()
    >>> notifications, uow = fake_notification_service(mailer)
    >>> signed_up = user_created(displayName="Ada")
    >>> uow.run(lambda store: notifications.on_user_created(store, signed_up))
    >>> [(key == signed_up.id, mail.subject) for key, mail in mailer.sent]
    [(True, 'Welcome to Wellness, Ada')]
"""

from __future__ import annotations

import logging
from typing import Callable

from ..platform.events import Event
from ..platform.ports import UnitOfWork
from .model import Mail, SentMailRecord, password_reset_mail, verification_mail, welcome_mail
from .ports import Mailer, NotificationsStore

log = logging.getLogger(__name__)


class NotificationService:
    def __init__(
        self,
        unit_of_work: UnitOfWork[NotificationsStore],
        mailer: Mailer,
        *,
        reset_link: Callable[[str], str],
        verification_link: Callable[[str], str] | None = None,
    ):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._mailer = mailer
        self._reset_link = reset_link  # reset id -> the link to mail (derived with auth's key, never carried)
        self._verification_link = verification_link or reset_link

    def on_user_created(self, store: NotificationsStore, event: Event) -> None:
        """The welcome mail."""
        self._send(store, event, welcome_mail(event.data))

    def on_password_reset_requested(self, store: NotificationsStore, event: Event) -> None:
        """The single-use reset link, derived from the reset id."""
        self._send(store, event, password_reset_mail(event.data, self._reset_link(event.data["resetId"])))

    def on_email_verification_requested(self, store: NotificationsStore, event: Event) -> None:
        """The single-use verification link, derived from the verification id."""
        link = self._verification_link(event.data["verificationId"])
        self._send(store, event, verification_mail(event.data, link))

    def on_user_deleted(self, store: NotificationsStore, event: Event) -> None:
        """Forget the mail sent to the user; `@subscriber`'s tombstone keeps any late mail event from sending more."""
        erased = store.sent_mail.erase_user(event.data["userId"])
        log.info("sent-mail log erased", extra={"fields": {"records": erased, "eventId": event.id}})

    def _send(self, store: NotificationsStore, event: Event, mail: Mail) -> None:
        """Send (raising MailError when it is not accepted), then record it in the subscriber's transaction."""
        provider_id = self._mailer.send(mail, idempotency_key=event.id)
        store.sent_mail.add(SentMailRecord(event.id, event.user_id, mail.kind, provider_id))
        log.info("mail sent", extra={"fields": {"kind": mail.kind, "eventId": event.id}})
