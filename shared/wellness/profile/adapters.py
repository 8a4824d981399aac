"""Profiles in Firestore: one document per user, `profiles/{userId}`: the owner's JSON view and its version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..platform.export import record
from ..platform.firestore.unit_of_work import FirestoreTransaction
from .model import Profile

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference

COLLECTION = "profiles"


class FirestoreProfiles:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _ref(self, user_id: str) -> DocumentReference:
        return self._tx.client.collection(COLLECTION).document(user_id)

    def get(self, user_id: str) -> Profile | None:
        snapshot = self._tx.get(self._ref(user_id))
        return Profile.from_json(snapshot.to_dict() or {}) if snapshot.exists else None

    def timezone(self, user_id: str) -> str | None:
        """Just the zone field (what other domains read), None when there is no profile."""
        snapshot = self._tx.get(self._ref(user_id))
        return str(snapshot.get("timezone")) if snapshot.exists else None

    def get_many(self, user_ids: Sequence[str]) -> dict[str, Profile]:
        snapshots = self._tx.get_all(self._ref(u) for u in dict.fromkeys(user_ids))
        return {s.id: Profile.from_json(s.to_dict() or {}) for s in snapshots if s.exists}

    def add(self, profile: Profile) -> None:
        self._tx.create(self._ref(profile.user_id), profile.to_document())

    def save(self, profile: Profile) -> None:
        self._tx.set(self._ref(profile.user_id), profile.to_document())

    def export(self, user_id: str) -> dict[str, Any] | None:
        """The stored document, as it is (wellness.platform.export), None when there is no profile."""
        snapshot = self._tx.get(self._ref(user_id))
        return record(snapshot.to_dict() or {}) if snapshot.exists else None

    def delete(self, user_id: str) -> None:
        self._tx.delete(self._ref(user_id))


class FirestoreProfileStore(FirestoreTransaction):
    @property
    def profiles(self) -> FirestoreProfiles:
        return FirestoreProfiles(self)
