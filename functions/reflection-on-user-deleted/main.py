"""Subscriber on `user.deleted`: erase every reflection of the user (repeatable)."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.reflection.ports import ReflectionStore
from wellness.reflection.wiring import reflection_service

runtime = function_runtime("firestore")
reflections = reflection_service(runtime)


@subscriber("user.deleted", runtime, reflections.unit_of_work)
def handler(event: Event, store: ReflectionStore) -> None:
    reflections.on_user_deleted(store, event)
