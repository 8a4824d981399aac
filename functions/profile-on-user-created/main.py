"""Subscriber on `user.created`: create the new user's profile (once, however often it is delivered)."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.profile.ports import ProfileStore
from wellness.profile.wiring import profile_service

runtime = function_runtime("firestore")
profiles = profile_service(runtime)


@subscriber("user.created", runtime, profiles.unit_of_work)
def handler(event: Event, store: ProfileStore) -> None:
    profiles.on_user_created(store, event)
