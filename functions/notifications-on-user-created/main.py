"""Subscriber on `user.created`: the welcome mail, sent once per event (retried when sending fails)."""

from wellness.notifications.ports import NotificationsStore
from wellness.notifications.wiring import notification_service
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")
notifications = notification_service(runtime)


@subscriber("user.created", runtime, notifications.unit_of_work)
def handler(event: Event, store: NotificationsStore) -> None:
    notifications.on_user_created(store, event)
