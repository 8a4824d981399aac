"""Subscriber on `user.deleted`: erase the user's posts, comments, reactions and reports (repeatable)."""

from wellness.community.ports import CommunityStore
from wellness.community.wiring import community_service
from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("firestore")
community = community_service(runtime)


@subscriber("user.deleted", runtime, community.unit_of_work)
def handler(event: Event, store: CommunityStore) -> None:
    community.on_user_deleted(store, event)
