"""Reflections in Firestore: `users/{userId}/reflections/{id}`, reachable only through the owner's id.

Every method takes the owner's id and builds the path from it, so one user can never
name another's reflection: it is simply not found. The user's zone is read from the
profile domain, through its public module, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..platform.export import documents
from ..platform.firestore.queries import build
from ..platform.firestore.unit_of_work import FirestoreTransaction
from ..profile.public import timezone_of
from .model import PageKey, Reflection
from .queries import REFLECTIONS_OF_USER, REFLECTIONS_PAGE

if TYPE_CHECKING:
    from google.cloud.firestore import CollectionReference

ORDER = tuple(field for field, _ in REFLECTIONS_PAGE.order)
ERASE_BATCH = 400  # under Firestore's 500 writes per batch


class FirestoreReflections:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _collection(self, user_id: str) -> CollectionReference:
        user = self._tx.client.collection("users").document(user_id)
        reflections: CollectionReference = user.collection("reflections")
        return reflections

    def add(self, reflection: Reflection) -> None:
        self._tx.create(self._collection(reflection.user_id).document(reflection.id), reflection.to_document())

    def get(self, user_id: str, reflection_id: str) -> Reflection | None:
        snapshot = self._tx.get(self._collection(user_id).document(reflection_id))
        return Reflection.from_document(snapshot.to_dict() or {}) if snapshot.exists else None

    def delete(self, user_id: str, reflection_id: str) -> None:
        self._tx.delete(self._collection(user_id).document(reflection_id))

    def page(
        self, user_id: str, *, limit: int, after: PageKey | None, date_from: dt.date | None, date_to: dt.date | None
    ) -> list[Reflection]:
        query = build(
            self._collection(user_id),
            REFLECTIONS_PAGE,
            lower=date_from.isoformat() if date_from else None,
            upper=date_to.isoformat() if date_to else None,
            after=dict(zip(ORDER, after, strict=True)) if after else None,
        )
        snapshots = query.limit(limit).stream(transaction=self._tx.transaction)
        return [Reflection.from_document(s.to_dict() or {}) for s in snapshots]

    def export(self, user_id: str, limit: int) -> list[dict[str, Any]]:
        """Every reflection of the user, as stored (wellness.platform.export)."""
        return documents(build(self._collection(user_id), REFLECTIONS_OF_USER), limit, "reflections")

    def erase_user(self, user_id: str, batch_size: int = ERASE_BATCH) -> int:
        """Outside the transaction, in batches (one transaction could not hold them all); repeatable."""
        client, deleted = self._tx.client, 0
        while True:
            query = build(self._collection(user_id), REFLECTIONS_OF_USER).limit(batch_size).select([])
            snapshots = list(query.stream())
            if not snapshots:
                return deleted
            batch = client.batch()
            for snapshot in snapshots:
                batch.delete(snapshot.reference)
            batch.commit()
            deleted += len(snapshots)


class FirestoreTimeZones:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def of(self, user_id: str) -> str:
        return timezone_of(self._tx, user_id)


class FirestoreReflectionStore(FirestoreTransaction):
    @property
    def reflections(self) -> FirestoreReflections:
        return FirestoreReflections(self)

    @property
    def zones(self) -> FirestoreTimeZones:
        return FirestoreTimeZones(self)
