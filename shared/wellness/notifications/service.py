"""Send the mail an event calls for, once per event, recording it in the subscriber's transaction.

The subscriber (`store="postgres"`) inserts the event id into processed_events, calls
`send_for_event`, and commits. So:

- a send that fails raises: the transaction rolls back, the delivery is nacked and
  retried (then dead-lettered after the subscription's attempts): never lost;
- a redelivered or duplicated event finds its id recorded and sends nothing; a
  concurrent duplicate waits on the id's row lock, then finds it recorded;
- the one window left: the provider accepted the mail and then the commit failed (the
  database went away in between). The event is retried and the mail goes out a second
  time. That window is milliseconds wide; closing it would need the provider to dedupe
  on our key, which SMTP cannot and Mailjet does not promise.

    >>> send_for_event(uow, event, mail, mailer)   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import insert

from ..db.tables import notifications_sent_mail
from ..events import Event
from .mailer import Mailer
from .model import Mail

log = logging.getLogger(__name__)


def send_for_event(uow: Any, event: Event, mail: Mail, mailer: Mailer) -> str:
    """Send `mail` for `event` and record it in `uow` (a PostgreSQL unit of work); the provider's id."""
    provider_id = mailer.send(mail, idempotency_key=event.id)
    uow.connection.execute(
        insert(notifications_sent_mail).values(
            event_id=uuid.UUID(event.id), kind=mail.kind, user_id=uuid.UUID(event.user_id), provider_id=provider_id
        )
    )
    log.info("mail sent", extra={"fields": {"kind": mail.kind, "eventId": event.id}})
    return provider_id
