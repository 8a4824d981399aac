"""Idempotency keys in memory, behind the same port as the Postgres and Firestore adapters.

>>> from wellness.platform.idempotency import IdempotentRequest
>>> keys = FakeIdempotencyKeys()
>>> keys.begin(IdempotentRequest("op", "u1", "k", "f"), "t1", now=0.0, lease=60, ttl=86400).action
'claim'
"""

from __future__ import annotations

import dataclasses

from wellness.platform.idempotency import (
    COMPLETED,
    IN_PROGRESS,
    Answer,
    Claim,
    Decision,
    IdempotentRequest,
    Record,
    claim_lost,
    decide,
)


class FakeIdempotencyKeys:
    store = "fake"

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}

    def begin(self, request: IdempotentRequest, token: str, *, now: float, lease: float, ttl: float) -> Decision:
        decision = decide(self.records.get(request.record_id), request, now=now)
        if decision.action == "claim":
            self.records[request.record_id] = Record(
                request.fingerprint, IN_PROGRESS, token, now + lease, now + ttl, False
            )
        return decision

    def mark(self, claim: Claim) -> None:
        """What a unit of work does in its transaction (the fake has none: tests call it from their handler).

        As the real stores do, refused when another request took the claim over: its work must not commit.
        """
        record = self.records.get(claim.record_id)
        if record is None or record.token != claim.token:
            raise claim_lost()
        self.records[claim.record_id] = dataclasses.replace(record, committed=True)
        claim.committed = True

    def complete(self, claim: Claim, answer: Answer) -> None:
        record = self.records.get(claim.record_id)
        if record is not None and record.token == claim.token:
            self.records[claim.record_id] = dataclasses.replace(record, state=COMPLETED, answer=answer)

    def release(self, claim: Claim) -> None:
        record = self.records.get(claim.record_id)
        if record is not None and record.token == claim.token and not record.committed:
            del self.records[claim.record_id]
