"""Ended sessions in Firestore (`revokedTokens/{key}`): mirrored by auth, checked in every unit of work.

Usage::

    FirestoreRevocations(client).revoke(["user:u1"], until)   # a record already later stays as it is
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import ContentionConflictError, UnavailableError
from ..revocation import COLLECTION, revoked
from .client import contended, unavailable
from .queries import REVOCATIONS_EXPIRED, delete_expired

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentSnapshot, Transaction


class FirestoreRevocations:
    def __init__(self, client: Client):
        self._client = client

    def revoke(self, keys: Sequence[str], until: dt.datetime) -> None:
        """Write every record in one transaction, never moving an expiry earlier.

        Read first, as PostgreSQL's `greatest(...)` upsert does: two instances ending the same
        session (a retried log-out) may write in either order, and the earlier expiry must not win.
        """
        if not keys:
            return
        try:
            self._record(refs(self._client, list(dict.fromkeys(keys))), until)
        except Exception as error:
            if unavailable(error):  # written outside any unit of work: the same 503 a unit of work gives
                raise UnavailableError() from error
            if contended(error):  # another instance ending the same session now: the 409 a unit of work gives
                raise ContentionConflictError() from error
            raise

    def _record(self, documents: list[Any], until: dt.datetime) -> None:
        from google.cloud import firestore

        @firestore.transactional
        def record(transaction: Transaction) -> None:
            snapshots = self._client.get_all(documents, transaction=transaction)
            kept = {s.reference.id: s.get("expiresAt") for s in snapshots if s.exists}
            for document in documents:
                transaction.set(document, {"expiresAt": max(until, kept.get(document.id, until))})

        record(self._client.transaction())


def check_snapshots(snapshots: Sequence[DocumentSnapshot[Any]], now: dt.datetime) -> None:
    """401 token_revoked when any of the caller's records exists and has not expired."""
    for snapshot in snapshots:
        if snapshot.exists and snapshot.get("expiresAt") > now:
            raise revoked()


def refs(client: Client, keys: Sequence[str]) -> list[Any]:
    return [client.collection(COLLECTION).document(key) for key in keys]


def purge_expired(client: Client, batch: int = 500) -> int:
    """Delete ended-session records past their expiry (the relay job calls this); how many went."""
    return delete_expired(client, REVOCATIONS_EXPIRED, batch)
