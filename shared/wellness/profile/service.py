"""Profile use cases: read your own or someone's public profile, change yours; follow sign-up and deletion.

>>> from wellness_testing.factories import user_created
>>> from wellness_testing.fakes.profile import fake_profile_service
>>> service, uow = fake_profile_service()
>>> signed_up = user_created(displayName="Ada")
>>> uow.run(lambda store: service.on_user_created(store, signed_up))
>>> service.update(signed_up.user_id, {"bio": "Runner"})[0]["bio"]
'Runner'
>>> [event.type for event in uow.published]
['profile.updated']
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..platform.clock import timestamp
from ..platform.errors import NotFoundError
from ..platform.events import Event
from ..platform.ports import UnitOfWork
from ..platform.preconditions import check_if_match
from .model import Profile
from .ports import ProfileStore


def _not_found() -> NotFoundError:
    return NotFoundError("profile_not_found", "There is no profile for this user yet.")


class ProfileService:
    def __init__(self, unit_of_work: UnitOfWork[ProfileStore], clock: Callable[[], str] = timestamp):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._clock = clock

    def mine(self, user_id: str) -> tuple[dict[str, Any], str]:
        """(the caller's profile, its ETag)."""
        profile = self._existing(user_id)
        return profile.to_json(), profile.etag

    def public(self, user_id: str) -> dict[str, Any]:
        """What anyone signed in may see of a profile: `{userId, displayName, bio?}`."""
        return self._existing(user_id).public()

    def _existing(self, user_id: str) -> Profile:
        profile = self.unit_of_work.read(lambda store: store.profiles.get(user_id))
        if profile is None:
            raise _not_found()
        return profile

    def update(self, user_id: str, patch: Mapping[str, Any], if_match: str | None = None) -> tuple[dict[str, Any], str]:
        """Apply `patch` and write `profile.updated`, in one transaction; (the profile, its new ETag).

        With `if_match` (the ETag the client last read), a profile changed since is a 412.
        """

        def work(store: ProfileStore) -> Profile:
            profile = store.profiles.get(user_id)
            if profile is None:
                raise _not_found()
            check_if_match(if_match, profile.etag)
            updated = profile.patched(patch, at=self._clock())
            store.profiles.save(updated)
            store.outbox.add(Event.new("profile.updated", user_id=user_id, data=updated.updated_event_data()))
            return updated

        updated = self.unit_of_work.run(work)
        return updated.to_json(), updated.etag

    def on_user_created(self, store: ProfileStore, event: Event) -> None:
        """Create the new user's profile; an existing profile is left as it is."""
        data = event.data
        if store.profiles.get(data["userId"]) is None:
            store.profiles.add(Profile.new(data["userId"], data["displayName"], data["timezone"], at=self._clock()))

    def on_user_deleted(self, store: ProfileStore, event: Event) -> None:
        store.profiles.delete(event.data["userId"])
