"""Subscriber on `user.created`: the welcome mail, sent once per event (retried when sending fails)."""

from typing import Any

from wellness.platform.events import Event
from wellness.notifications.model import welcome_mail
from wellness.notifications.service import send_for_event
from wellness.notifications.wiring import mailer
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")
outgoing = mailer(runtime)


@subscriber("user.created", runtime, store="postgres")
def handler(event: Event, uow: Any) -> None:
    send_for_event(uow, event, welcome_mail(event.data), outgoing)
