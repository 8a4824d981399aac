"""Idempotency keys in Firestore (`idempotencyKeys/{recordId}`), for the functions whose data lives there.

`expiresAt` is a timestamp so a Firestore TTL policy (Terraform) can delete expired
keys; the relay job deletes them too, and nothing relies on either for correctness
(an expired record is treated as absent).

    Usage::

        keys = FirestoreIdempotencyKeys(client)
        keys.begin(request, token, now=time.time(), lease=60, ttl=86400).action
        # -> 'claim'
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import UnavailableError
from ..idempotency import (
    COMPLETED,
    IN_PROGRESS,
    Answer,
    Claim,
    Decision,
    IdempotentRequest,
    InProgressError,
    Record,
    decide,
)
from .client import contended, unavailable
from .queries import IDEMPOTENCY_EXPIRED, delete_expired

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

COLLECTION = "idempotencyKeys"


def _record(doc: dict[str, Any]) -> Record:
    answer = None
    if doc.get("status") is not None:
        answer = Answer(int(doc["status"]), str(doc.get("body") or ""), dict(doc.get("headers") or {}))
    return Record(
        str(doc["fingerprint"]),
        str(doc["state"]),
        str(doc["token"]),
        float(doc["leaseUntil"]),
        doc["expiresAt"].timestamp(),
        bool(doc.get("committed")),
        answer,
    )


def key_ref(client: Client, claim: Claim) -> DocumentReference:
    return client.collection(COLLECTION).document(claim.record_id)


class FirestoreIdempotencyKeys:
    store = "firestore"

    def __init__(self, client: Client):
        self._client = client

    def begin(self, request: IdempotentRequest, token: str, *, now: float, lease: float, ttl: float) -> Decision:
        from google.cloud import firestore

        ref = self._client.collection(COLLECTION).document(request.record_id)
        claim = {
            "fingerprint": request.fingerprint,
            "state": IN_PROGRESS,
            "token": token,
            "leaseUntil": now + lease,
            "expiresAt": dt.datetime.fromtimestamp(now + ttl, dt.UTC),
            "committed": False,
            "status": None,
            "body": None,
            "headers": None,
            "owner": request.owner,
        }

        @firestore.transactional
        def run(transaction: Transaction) -> Decision:
            snapshot = ref.get(transaction=transaction)
            decision = decide(_record(snapshot.to_dict() or {}) if snapshot.exists else None, request, now=now)
            if decision.action == "claim":
                transaction.set(ref, claim)
            return decision

        try:
            decision: Decision = run(self._client.transaction())
        except Exception as error:
            # Requests with the same key racing for it: every attempt of this one lost, so another
            # holds it now. The answer it would get a moment later (the client retries).
            if contended(error):
                raise InProgressError(1) from error
            if unavailable(error):
                raise UnavailableError() from error
            raise
        return decision

    def _owned(self, claim: Claim, change: dict[str, Any] | None) -> None:
        """Apply `change` (None: delete when nothing committed) if the claim still owns its record."""
        from google.cloud import firestore

        ref = key_ref(self._client, claim)

        @firestore.transactional
        def run(transaction: Transaction) -> None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists or snapshot.get("token") != claim.token:
                return
            if change is not None:
                transaction.update(ref, change)
            elif not snapshot.get("committed"):
                transaction.delete(ref)

        run(self._client.transaction())

    def complete(self, claim: Claim, answer: Answer) -> None:
        self._owned(
            claim, {"state": COMPLETED, "status": answer.status, "body": answer.body, "headers": dict(answer.headers)}
        )

    def release(self, claim: Claim) -> None:
        self._owned(claim, None)


def purge_expired(client: Client, batch: int = 500) -> int:
    """Delete keys past their TTL (the relay job calls this, where no TTL policy runs); how many went."""
    return delete_expired(client, IDEMPOTENCY_EXPIRED, batch)
