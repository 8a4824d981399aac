"""Subscriber on `user.deleted`: forget the mail sent to the user (once, however often it is delivered)."""

from wellness.notifications.ports import NotificationsStore
from wellness.notifications.wiring import notification_service
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")
notifications = notification_service(runtime)


@subscriber("user.deleted", runtime, notifications.unit_of_work)
def handler(event: Event, store: NotificationsStore) -> None:
    notifications.on_user_deleted(store, event)
