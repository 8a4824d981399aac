"""Ended sessions: no write with an access token of a deleted account or an ended session.

An access token lives for its TTL whatever happens to the account: API Gateway checks
only its signature and times. So when auth ends sessions (account deleted, log-out,
password reset) it records, synchronously, before it answers, which tokens are dead:

- `user:<hash of sub>`: every token of an account that is gone;
- `session:<hash of sid>`: every token of one session (a refresh-token family).

It writes each record in both stores, its own PostgreSQL transaction and Firestore,
so that every unit of work checks them in its own store, inside the very transaction
that would write: a Postgres-only function never imports the Firestore client and vice
versa, a check costs one indexed read, and a write that commits after the revocation
cannot slip past it. Reads are not checked (they change nothing; the data goes when
`user.deleted` is applied). A record is needed only while a token it names can still be
presented, so it expires after the longest access-token lifetime plus clock leeway;
the relay job deletes expired records (and a Firestore TTL policy in the cloud).

    >>> [key.split(":")[0] for key in revocation_keys({"sub": "u1", "sid": "s1"})]
    ['user', 'session']
    >>> revocation_keys({"sub": "u1"}) == [user_key("u1")]
    True
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from typing import Any, Iterator, Mapping, Protocol, Sequence

from .errors import UnauthenticatedError

COLLECTION = "revokedTokens"  # Firestore; the Postgres table is `revoked_tokens`


def _digest(value: str) -> str:
    # Hashed, so an erased account leaves not even its id behind in these records.
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def user_key(user_id: str) -> str:
    return f"user:{_digest(user_id)}"


def session_key(session_id: str) -> str:
    return f"session:{_digest(session_id)}"


def revocation_keys(claims: Mapping[str, Any]) -> list[str]:
    """The records any of which makes a token with these claims dead (user:<hash of sub>, session:<hash of sid>)."""
    keys = [user_key(str(claims["sub"]))]
    if claims.get("sid"):
        keys.append(session_key(str(claims["sid"])))
    return keys


def revoked() -> UnauthenticatedError:
    return UnauthenticatedError("token_revoked", "This session has ended; log in again.")


class RevocationWriter(Protocol):
    """Records ended sessions in one store (Firestore's writer; Postgres writes in the auth transaction)."""

    def revoke(self, keys: Sequence[str], until: dt.datetime) -> None: ...


_CALLER: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("revocation_caller", default=None)


def current_keys() -> tuple[str, ...] | None:
    """The revocation keys of the caller of the request being served (None outside a protected request)."""
    return _CALLER.get()


@contextlib.contextmanager
def acting_for(claims: Mapping[str, Any] | None) -> Iterator[None]:
    """While serving a protected request: every unit of work that commits checks the caller's token first."""
    reset = _CALLER.set(tuple(revocation_keys(claims)) if claims is not None else None)
    try:
        yield
    finally:
        _CALLER.reset(reset)
