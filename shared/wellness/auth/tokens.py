"""Issuing sessions: a short-lived signed access token and an opaque refresh token.

>>> from wellness.auth.keys import Keyset, new_keyset_json
>>> keyset = Keyset.from_json(new_keyset_json())
>>> issuer = TokenIssuer(keyset, issuer="wellness-local", audience="wellness-app", ttl_seconds=900)
>>> refresh = issuer.refresh_token("u1")
>>> refresh.token_hash == hash_refresh_token(refresh.token)
True
>>> claims = keyset.verify(issuer.access_token("u1", refresh.family_id), issuer="wellness-local",
...                        audience="wellness-app")
>>> claims["sub"], claims["sid"] == refresh.family_id
('u1', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Callable

from ..platform.clock import utc_now
from ..platform.smoke import CLAIM as SMOKE_CLAIM
from .keys import Keyset
from .model import NewRefreshToken

REFRESH_TOKEN_DAYS = 30


def hash_refresh_token(token: str) -> bytes:
    """Refresh tokens are 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).digest()


class TokenIssuer:
    def __init__(
        self,
        keyset: Keyset,
        *,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        self._keyset = keyset
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds
        self._clock = clock

    def access_token(
        self,
        user_id: str,
        session_id: str | None = None,
        *,
        email_verified: bool = False,
        account_created_at: dt.datetime | None = None,
        smoke: bool = False,
    ) -> str:
        """A signed access token; `sid` names the refresh-token family, so logout can end that session.

        `email_verified` (OIDC's claim) and `acct_created` (epoch seconds) let other domains
        apply their rules on new or unverified accounts without asking auth. `smoke` (only
        when true) puts the account's requests in the smoke lane (wellness.platform.smoke).
        """
        now = int(self._clock().timestamp())
        claims: dict[str, object] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        if session_id:
            claims["sid"] = session_id
        claims["email_verified"] = email_verified
        if account_created_at is not None:
            claims["acct_created"] = int(account_created_at.timestamp())
        if smoke:
            claims[SMOKE_CLAIM] = True
        return self._keyset.sign(claims)

    def refresh_token(self, user_id: str, family_id: str | None = None) -> NewRefreshToken:
        token = secrets.token_urlsafe(32)
        return NewRefreshToken(
            id=str(uuid.uuid4()),
            user_id=user_id,
            family_id=family_id or str(uuid.uuid4()),
            token=token,
            token_hash=hash_refresh_token(token),
            expires_at=self._clock() + dt.timedelta(days=REFRESH_TOKEN_DAYS),
        )
