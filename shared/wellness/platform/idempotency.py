"""Idempotency keys: a retried POST or DELETE answers what the first one did, without doing it twice.

After a timeout or a dropped connection the app cannot know whether its request
happened; it sends it again with the same `Idempotency-Key` header (the IETF draft
"The Idempotency-Key HTTP Header Field"; Stripe and Powertools' idempotency work the
same way). An operation opts in by declaring that header parameter in
contracts/openapi.yaml; `@endpoint` then, for each request that carries a key:

1. claims the key (scope: the operation and the caller) in the function's own store,
   with the request's fingerprint, in a short transaction of its own;
2. runs the handler with the claim active: every unit of work that commits during
   the request also marks the claim *committed in the same transaction* (and refuses
   to commit when another request took the claim over), so the work and the mark
   cannot part;
3. stores the answer on the claim (completed), or gives the claim back when nothing
   committed (an error before any change: the retry may run it afresh).

A second request with the key then gets, by the record's state:

| record | answer |
| --- | --- |
| completed, same fingerprint | the stored status, body and headers, plus `Idempotent-Replayed: true` |
| any state, another fingerprint | 422 `idempotency_key_reused` |
| in progress, lease running | 409 `idempotency_key_in_progress` with `Retry-After` |
| in progress, lease over, work committed (a crash before the answer was stored) | 409 `idempotency_key_answer_lost` |
| in progress, lease over, nothing committed (the first one died) | taken over: runs now |
| expired (past the TTL, 24 h) or none | claimed: runs now |

    >>> request = IdempotentRequest("communityCreatePost", "u1", "key-1", fingerprint("POST", "/p", {"text": "hi"}))
    >>> decide(None, request, now=0.0).action
    'claim'
    >>> done = Record(request.fingerprint, COMPLETED, "t1", lease_until=30.0, expires_at=86400.0, committed=True,
    ...               answer=Answer(201, '{"id":"p1"}', {}))
    >>> decide(done, request, now=10.0).action
    'replay'
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import json
import logging
import math
import re
import time
import uuid
from typing import Any, Callable, Iterator, Mapping, Protocol

from .erasure import pseudonym
from .errors import AppError, ConflictError, ValidationError

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IN_PROGRESS, COMPLETED = "in_progress", "completed"
# Visible ASCII, as the request id: a UUID (what the app sends) or any opaque token of the client's.
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Headers an answer is replayed with (the others are per answer: request id, trace id).
REPLAYED_HEADERS = ("ETag", "Location", "Retry-After")


class IdempotencyError(AppError):
    """422: the key was used for a different request."""

    status = 422


@dataclasses.dataclass(frozen=True)
class IdempotentRequest:
    operation_id: str
    user_id: str  # "" for a public operation
    key: str
    fingerprint: str

    @property
    def record_id(self) -> str:
        """The record's id: a hash, so a client's key never needs escaping in any store."""
        scope = f"{self.operation_id}\x00{self.user_id}\x00{self.key}"
        return hashlib.sha256(scope.encode()).hexdigest()

    @property
    def owner(self) -> str | None:
        """The caller's pseudonym, kept on the record so that user.deleted can erase it (None: no caller)."""
        return pseudonym(self.user_id) if self.user_id else None


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: str  # the JSON text as sent ("" for none)
    headers: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class Record:
    fingerprint: str
    state: str  # IN_PROGRESS | COMPLETED
    token: str  # the claim that owns it
    lease_until: float  # epoch seconds: until then an in-progress claim is alive
    expires_at: float  # epoch seconds: then the key may be used afresh
    committed: bool  # a unit of work of the claim's request committed
    answer: Answer | None = None


@dataclasses.dataclass
class Claim:
    """A request's hold on its key; units of work mark it (in their transaction) and set `committed`."""

    request: IdempotentRequest
    token: str
    store: str  # "postgres" | "firestore": where the key lives, and which units of work mark it
    committed: bool = False

    @property
    def record_id(self) -> str:
        return self.request.record_id


@dataclasses.dataclass(frozen=True)
class Decision:
    action: str  # "claim" | "replay"
    answer: Answer | None = None


def fingerprint(method: str, path: str, body: Any, params: Mapping[str, Any] | None = None) -> str:
    """What makes two requests the same: method, path, parameters and the body's JSON value (not its spacing).

    >>> fingerprint("POST", "/p", {"a": 1, "b": 2}) == fingerprint("POST", "/p", {"b": 2, "a": 1})
    True
    """
    canonical = json.dumps([method, path, dict(params or {}), body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(raw: str) -> str:
    if not _KEY.fullmatch(raw):
        raise ValidationError(
            "invalid_idempotency_key",
            f"{HEADER} must be 1 to 255 visible ASCII characters (a UUID is best).",
            [{"field": f"header.{HEADER}", "message": "does not match the contract"}],
        )
    return raw


def decide(record: Record | None, request: IdempotentRequest, *, now: float) -> Decision:
    """What a request with this key does, given the key's record (the table in the module's docstring)."""
    if record is None or record.expires_at <= now:
        return Decision("claim")
    if record.fingerprint != request.fingerprint:
        raise IdempotencyError(
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request; use a new key for a new request.",
        )
    if record.state == COMPLETED and record.answer is not None:
        return Decision("replay", record.answer)
    if record.lease_until > now:  # committed or not, its answer may still come
        raise InProgressError(math.ceil(record.lease_until - now))
    if record.committed:
        raise ConflictError(
            "idempotency_key_answer_lost",
            "This request was carried out, but its answer was lost; read the resource to see the result.",
        )
    return Decision("claim")  # the first request died before changing anything: run it now


class InProgressError(ConflictError):
    def __init__(self, retry_after_seconds: int):
        super().__init__(
            "idempotency_key_in_progress", f"A request with this {HEADER} is still running; retry shortly."
        )
        self.retry_after_seconds = max(1, retry_after_seconds)


class IdempotencyKeys(Protocol):
    """Where a function keeps its keys: the store of its own data (Postgres table or Firestore collection)."""

    store: str

    def begin(self, request: IdempotentRequest, token: str, *, now: float, lease: float, ttl: float) -> Decision:
        """Read the key's record, `decide`, and when the decision is to claim, write the claim: atomically."""
        ...

    def complete(self, claim: Claim, answer: Answer) -> None:
        """Store the answer on the claim's record (when the claim still owns it)."""
        ...

    def release(self, claim: Claim) -> None:
        """Give the key back (nothing committed): delete the record when the claim still owns it."""
        ...


_ACTIVE: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("idempotency_claim", default=None)


def active(store: str) -> Claim | None:
    """The claim of the request being served, when its key lives in `store` (a unit of work of that store marks it)."""
    claim = _ACTIVE.get()
    return claim if claim is not None and claim.store == store else None


@contextlib.contextmanager
def claimed(claim: Claim) -> Iterator[Claim]:
    reset = _ACTIVE.set(claim)
    try:
        yield claim
    finally:
        _ACTIVE.reset(reset)


def claim_lost() -> ConflictError:
    """The work's transaction found its claim taken over (it ran past its lease): it must not commit."""
    return ConflictError("idempotency_key_in_progress", f"A request with this {HEADER} took over; retry shortly.")


def serve_once(
    keys: IdempotencyKeys,
    request: IdempotentRequest,
    handle: Callable[[], Answer],
    error_answer: Callable[[AppError], Answer],
    *,
    lease_seconds: float,
    ttl_seconds: float,
    clock: Callable[[], float] = time.time,
) -> Answer:
    """Answer `request` at most once per key: claim, run `handle` with the claim active, store its answer.

    An AppError from `handle` is stored too when some of its work committed (the retry
    must see the same outcome); otherwise the key is given back. An unexpected error
    after a commit leaves the record committed without an answer (409 answer_lost).
    """
    token = uuid.uuid4().hex
    decision = keys.begin(request, token, now=clock(), lease=lease_seconds, ttl=ttl_seconds)
    if decision.action == "replay":
        assert decision.answer is not None
        answer = decision.answer
        return Answer(answer.status, answer.body, {**answer.headers, REPLAYED_HEADER: "true"})
    claim = Claim(request, token, keys.store)
    try:
        with claimed(claim):
            answer = handle()
    except AppError as error:
        if claim.committed:
            keys.complete(claim, error_answer(error))
        else:
            _quietly(keys.release, claim)
        raise
    except BaseException:
        if not claim.committed:
            _quietly(keys.release, claim)
        raise
    try:
        keys.complete(claim, answer)
    except Exception:  # noqa: BLE001 - the work is done and answered; a retry gets answer_lost, never a second run
        log.warning("idempotency: the answer could not be stored", exc_info=True)
    return answer


def _quietly(step: Callable[[Claim], None], claim: Claim) -> None:
    try:
        step(claim)
    except Exception:  # noqa: BLE001 - the lease ends the claim anyway
        log.warning("idempotency: the key could not be released", exc_info=True)
