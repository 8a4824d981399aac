"""Subscriber on `password.reset_requested`: mail the single-use reset link (derived, never carried)."""

from typing import Any

from wellness.auth.reset_tokens import RESET_KEY_SECRET, reset_link, reset_token
from wellness.platform.events import Event
from wellness.notifications.model import password_reset_mail
from wellness.notifications.service import send_for_event
from wellness.notifications.wiring import mailer
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")
outgoing = mailer(runtime)


@subscriber("password.reset_requested", runtime, store="postgres")
def handler(event: Event, uow: Any) -> None:
    token = reset_token(runtime.secrets.get(RESET_KEY_SECRET).encode(), event.data["resetId"])
    link = reset_link(runtime.settings.password_reset_url, token)
    send_for_event(uow, event, password_reset_mail(event.data, link), outgoing)
