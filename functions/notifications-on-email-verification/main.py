"""Subscriber on `email.verification_requested`: mail the single-use verification link (derived, never carried)."""

from wellness.notifications.ports import NotificationsStore
from wellness.notifications.wiring import notification_service
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")
notifications = notification_service(runtime)


@subscriber("email.verification_requested", runtime, notifications.unit_of_work)
def handler(event: Event, store: NotificationsStore) -> None:
    notifications.on_email_verification_requested(store, event)
