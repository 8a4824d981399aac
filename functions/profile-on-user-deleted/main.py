"""Subscriber on `user.deleted`: erase the user's profile (once, however often it is delivered)."""

from typing import Any

from wellness.events import Event
from wellness.profile.store import delete_profile
from wellness.runtime import function_runtime
from wellness.subscriber import subscriber

runtime = function_runtime("firestore")


@subscriber("user.deleted", runtime, store="firestore")
def handler(event: Event, transaction: Any) -> None:
    delete_profile(runtime.firestore, transaction, event.data["userId"])
