"""JWT checks of the local gateway, as API Gateway (ESPv2, Envoy's jwt_authn) makes them.

Keys come from the provider's `x-google-jwks_uri` over HTTP and are cached;
a token is accepted only when its algorithm is allow-listed, its signature
verifies with a published key, `iss` and `aud` match, `exp` is present and
`exp`/`nbf` hold within 60 s of skew.

    >>> verifier = JwtVerifier(JwksCache(requests.Session(), 300, time.time))  # doctest: +SKIP
    >>> claims, payload = verifier.verify(token, provider)  # doctest: +SKIP
    >>> claims["sub"]  # doctest: +SKIP
    'u1'
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeGuard

import jwt
import requests

from .gateway_spec import JwtProvider

ALGORITHMS = ("RS256", "ES256")  # never "none", never HS* (an HMAC "signed" with a public key)
_KEY_TYPES = {"RS256": ("RSA", None), "ES256": ("EC", "P-256")}
CLOCK_SKEW_SECONDS = 60  # Envoy jwt_authn's default
UNKNOWN_KID_REFETCH_SECONDS = 30.0
JWKS_FETCH_TIMEOUT_SECONDS = 5.0


class AuthError(Exception):
    """The token is missing or not acceptable; always a 401, the message is safe to show."""


class JwksCache:
    """Public keys per JWKS URI, refetched after `cache_seconds` or (rate-limited) for an unknown kid."""

    def __init__(self, session: requests.Session, cache_seconds: float, clock: Callable[[], float]):
        self._session = session
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._forced: dict[str, float] = {}

    def keys(self, uri: str, *, unknown_kid: bool = False) -> list[dict[str, Any]]:
        # One lock for all URIs: concurrent first requests wait for one fetch instead of each fetching.
        with self._lock:
            now = self._clock()
            cached = self._keys.get(uri)
            fresh = cached is not None and now - cached[0] < self._cache_seconds
            if fresh and unknown_kid:
                # A rotated key appears in the JWKS before the cache expires; refetch, but not
                # on every request carrying a made-up kid.
                last = self._forced.get(uri)
                if last is None or now - last >= UNKNOWN_KID_REFETCH_SECONDS:
                    self._forced[uri] = now
                    fresh = False
            if fresh and cached is not None:
                return cached[1]
            keys = self._fetch(uri)
            self._keys[uri] = (now, keys)
            return keys

    def _fetch(self, uri: str) -> list[dict[str, Any]]:
        try:
            response = self._session.get(uri, timeout=JWKS_FETCH_TIMEOUT_SECONDS)
            response.raise_for_status()
            keys = response.json()["keys"]
        except (requests.RequestException, ValueError, KeyError, TypeError):
            # Fail closed like Envoy ("Jwks remote fetch is failed"): a 401, and no stale keys.
            raise AuthError("The signing keys could not be fetched.") from None
        if not isinstance(keys, list):
            raise AuthError("The signing keys could not be fetched.")
        return [k for k in keys if isinstance(k, dict)]


class JwtVerifier:
    def __init__(self, jwks: JwksCache, clock: Callable[[], float] = time.time):
        self._jwks = jwks
        self._clock = clock

    def verify(self, token: str, provider: JwtProvider) -> tuple[dict[str, Any], str]:
        """The verified claims, and the token's payload segment (what API Gateway forwards as userinfo)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("The access token is malformed.") from None
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise AuthError("The access token's algorithm is not allowed.")
        kid = header.get("kid")
        candidates = _candidates(self._jwks.keys(provider.jwks_uri), alg, kid)
        if kid is not None and not candidates:
            candidates = _candidates(self._jwks.keys(provider.jwks_uri, unknown_kid=True), alg, kid)
        if not candidates:
            raise AuthError("The access token was signed by an unknown key.")
        claims = None
        for key in candidates:  # without a kid, any published key of the right type may have signed it (Envoy)
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=[alg],
                    issuer=provider.issuer,
                    audience=list(provider.audiences),
                    # Times are checked below against the injected clock, not PyJWT's.
                    options={"require": ["exp"], "verify_exp": False, "verify_nbf": False, "verify_iat": False},
                )
                break
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidIssuerError:
                raise AuthError("The access token's issuer is not allowed.") from None
            except jwt.InvalidAudienceError:
                raise AuthError("The access token's audience is not allowed.") from None
            except jwt.InvalidTokenError:
                raise AuthError("The access token is not valid.") from None
        if claims is None:
            raise AuthError("The access token's signature does not verify.")
        self._check_times(claims)
        return claims, token.split(".")[1].rstrip("=")

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock()
        exp, nbf = claims.get("exp"), claims.get("nbf", float("-inf"))
        if not _is_number(exp) or not _is_number(nbf):
            raise AuthError("The access token's times are malformed.")
        if now > exp + CLOCK_SKEW_SECONDS:
            raise AuthError("The access token has expired.")
        if now < nbf - CLOCK_SKEW_SECONDS:
            raise AuthError("The access token is not valid yet.")


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _candidates(jwks: list[dict[str, Any]], alg: str, kid: str | None) -> list[Any]:
    kty, crv = _KEY_TYPES[alg]
    keys = []
    for jwk in jwks:
        if kid is not None and jwk.get("kid") != kid:
            continue
        # Symmetric ("oct") keys never qualify, whatever the token claims.
        if jwk.get("kty") != kty or (crv and jwk.get("crv") != crv):
            continue
        if jwk.get("alg", alg) != alg or jwk.get("use", "sig") != "sig":
            continue
        try:
            keys.append(jwt.PyJWK(jwk, algorithm=alg).key)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, KeyError, TypeError):
            continue  # one malformed key must not hide the others
    return keys
