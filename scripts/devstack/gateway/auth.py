"""JWT checks of the local gateway, as API Gateway (ESPv2, Envoy's jwt_authn) makes them.

One `wellness.platform.identity.JwksVerifier` per JWT provider of the document (the
same check the functions make with VERIFY_FORWARDED_TOKEN): keys from the
provider's `x-google-jwks_uri` through PyJWT's `PyJWKClient`, cached for
`jwks_cache_seconds` and refetched for an unknown key id at most every
`cooldown_seconds`; a token is accepted only when its algorithm is its key's own
(RS256 for an RSA key, ES256 for an EC P-256 one: RFC 8725 §3.1), its signature
verifies with a published key, `iss` and `aud` match,
`exp` is present, and `exp`/`nbf` hold within 60 s of skew (Envoy's default). The
JWKS being unreachable fails closed, like Envoy ("Jwks remote fetch is failed"), and
whatever else a token makes the verifier raise is a 401 too, never a 502.

    Usage::

        auth = Authenticator(jwks_cache_seconds=300)
        payload = auth.verify(token, provider)
"""

from __future__ import annotations

import sys
import threading

import jwt

from devstack.gateway.spec import JwtProvider
from wellness.platform.identity import JwksVerifier

CLOCK_SKEW_SECONDS = 60  # Envoy jwt_authn's default
UNKNOWN_KID_COOLDOWN_SECONDS = 30.0
JWKS_FETCH_TIMEOUT_SECONDS = 5.0

# What the client is told, by what PyJWT found; anything else is "not valid".
_MESSAGES: tuple[tuple[type[Exception], str], ...] = (
    (jwt.PyJWKClientConnectionError, "The signing keys could not be fetched."),
    (jwt.PyJWKClientError, "The access token was signed by an unknown key."),
    (jwt.ExpiredSignatureError, "The access token has expired."),
    (jwt.ImmatureSignatureError, "The access token is not valid yet."),
    (jwt.InvalidIssuerError, "The access token's issuer is not allowed."),
    (jwt.InvalidAudienceError, "The access token's audience is not allowed."),
    (jwt.InvalidAlgorithmError, "The access token's algorithm is not allowed."),
    (jwt.InvalidSignatureError, "The access token's signature does not verify."),
    (jwt.DecodeError, "The access token is malformed."),
)


class AuthError(Exception):
    """The token is missing or not acceptable; always a 401, the message is safe to show."""


class Authenticator:
    def __init__(self, *, jwks_cache_seconds: float, cooldown_seconds: float = UNKNOWN_KID_COOLDOWN_SECONDS):
        self._cache_seconds = jwks_cache_seconds
        self._cooldown = cooldown_seconds
        self._verifiers: dict[JwtProvider, JwksVerifier] = {}
        self._lock = threading.Lock()

    def _verifier(self, provider: JwtProvider) -> JwksVerifier:
        with self._lock:
            if provider not in self._verifiers:
                self._verifiers[provider] = JwksVerifier(
                    provider.jwks_uri,
                    issuer=provider.issuer,
                    audiences=tuple(provider.audiences),
                    lifespan=self._cache_seconds,
                    cooldown=self._cooldown,
                    leeway_seconds=CLOCK_SKEW_SECONDS,
                    timeout=JWKS_FETCH_TIMEOUT_SECONDS,
                    required=("exp",),
                )
            return self._verifiers[provider]

    def verify(self, token: str, provider: JwtProvider) -> str:
        """The token's payload segment (what API Gateway forwards as userinfo), once the token verifies."""
        try:
            self._verifier(provider).verify(token)
        except Exception as error:  # noqa: BLE001 - whatever a hostile token makes PyJWT raise, it is a 401
            if not isinstance(error, jwt.PyJWTError):  # a token PyJWT did not expect: refused, and said so
                print(f"gateway: token verification raised {type(error).__name__}; answered 401", file=sys.stderr)
            message = next((m for kind, m in _MESSAGES if isinstance(error, kind)), "The access token is not valid.")
            raise AuthError(message) from None
        return token.split(".")[1].rstrip("=")
