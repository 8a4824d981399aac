"""Subscriber on `user.deleted`: erase every reflection of the user (repeatable)."""

from typing import Any

from wellness.platform.events import Event
from wellness.reflection.store import erase_user
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("firestore")


@subscriber("user.deleted", runtime, store="firestore")
def handler(event: Event, transaction: Any) -> None:
    # Outside the transaction, in batches: a user may have more reflections than one
    # transaction may write. Erasing again is harmless, so a retry is safe.
    erase_user(runtime.firestore, event.data["userId"])
