"""Subscriber on `user.deleted`: erase the user's posts, comments, reactions and reports (repeatable)."""

from typing import Any

from wellness.community.erase import erase_user
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("firestore")


@subscriber("user.deleted", runtime, store="firestore")
def handler(event: Event, transaction: Any) -> None:
    # Outside the transaction: a user's content may be more than one transaction may
    # write, and each step finds only what is left, so a retry is safe.
    erase_user(runtime.firestore, event.data["userId"])
