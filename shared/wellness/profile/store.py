"""Profiles in Firestore: one document per user, `profiles/{userId}`.

>>> get_profile(client, user_id)    # doctest: +SKIP

A change publishes `profile.updated` through the Firestore outbox, in the same
transaction as the change (program and reporting keep the time zone from it).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import NotFoundError
from ..events import Event
from .model import apply_patch, new_profile, now_iso, public_subset

COLLECTION = "profiles"


def _not_found() -> NotFoundError:
    return NotFoundError("profile_not_found", "There is no profile for this user yet.")


def create_profile(client: Any, transaction: Any, data: Mapping[str, Any]) -> bool:
    """Create the profile of a new user inside `transaction`; an existing profile is left as it is."""
    ref = client.collection(COLLECTION).document(data["userId"])
    if ref.get(transaction=transaction).exists:
        return False
    transaction.create(ref, new_profile(data["userId"], data["displayName"], data["timezone"], now_iso()))
    return True


def get_profile(client: Any, user_id: str) -> dict[str, Any]:
    snapshot = client.collection(COLLECTION).document(user_id).get()
    if not snapshot.exists:
        raise _not_found()
    return dict(snapshot.to_dict())


def get_public_profile(client: Any, user_id: str) -> dict[str, Any]:
    """What anyone signed in may see of a profile: `{userId, displayName, bio?}`."""
    return public_subset(get_profile(client, user_id))


def public_profiles(client: Any, user_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The public subsets of these users' profiles, by user id (one round trip; missing ones left out)."""
    refs = [client.collection(COLLECTION).document(u) for u in dict.fromkeys(user_ids)]
    return {s.id: public_subset(s.to_dict()) for s in client.get_all(refs) if s.exists}


def timezone_of(client: Any, transaction: Any, user_id: str) -> str:
    """The user's time zone, read inside `transaction`; UTC until the profile exists."""
    snapshot = client.collection(COLLECTION).document(user_id).get(transaction=transaction)
    return str(snapshot.get("timezone")) if snapshot.exists else "UTC"


def update_profile(
    client: Any, transaction: Any, outbox: Any, user_id: str, patch: Mapping[str, Any]
) -> dict[str, Any]:
    """Apply `patch` inside `transaction` and write `profile.updated` to its outbox."""
    ref = client.collection(COLLECTION).document(user_id)
    snapshot = ref.get(transaction=transaction)
    if not snapshot.exists:
        raise _not_found()
    updated = apply_patch(snapshot.to_dict(), patch, now_iso())
    transaction.set(ref, updated)
    data = {"userId": user_id, "displayName": updated["displayName"], "timezone": updated["timezone"]}
    outbox.add(Event.new("profile.updated", user_id=user_id, data=data))
    return updated


def delete_profile(client: Any, transaction: Any, user_id: str) -> None:
    """Erase the profile (account deletion); nothing to do when it is already gone."""
    transaction.delete(client.collection(COLLECTION).document(user_id))
