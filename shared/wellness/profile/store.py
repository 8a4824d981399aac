"""Profiles in Firestore: one document per user, `profiles/{userId}`.

>>> get_profile(client, user_id)    # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import NotFoundError
from .model import apply_patch, new_profile, now_iso

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


def update_profile(client: Any, user_id: str, patch: Mapping[str, Any]) -> dict[str, Any]:
    from google.cloud import firestore

    ref = client.collection(COLLECTION).document(user_id)

    @firestore.transactional
    def run(transaction: Any) -> dict[str, Any]:
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise _not_found()
        updated = apply_patch(snapshot.to_dict(), patch, now_iso())
        transaction.set(ref, updated)
        return updated

    result: dict[str, Any] = run(client.transaction())
    return result
