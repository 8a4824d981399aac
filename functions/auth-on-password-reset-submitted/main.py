"""Subscriber on `password.reset_submitted`: for a registered address, a reset and `password.reset_requested`."""

from wellness.auth.ports import AuthStore
from wellness.auth.wiring import password_reset_service
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres", "pubsub")
resets = password_reset_service(runtime)


@subscriber("password.reset_submitted", runtime, resets.unit_of_work)
def handler(event: Event, store: AuthStore) -> None:
    resets.on_reset_submitted(store, event)
