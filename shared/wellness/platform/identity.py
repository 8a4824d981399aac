"""Who is calling: the claims API Gateway verified and forwarded.

API Gateway checks the access token and passes its claims in
X-Apigateway-Api-Userinfo as unpadded base64url JSON. The functions are private
(only the gateway's service account may invoke them) and the gateway strips any copy a
client sends; in the cloud they also verify the forwarded bearer token itself
(VERIFY_FORWARDED_TOKEN, set by Terraform), so run.invoker alone acts as nobody.

    >>> caller_from_headers(userinfo_header({"sub": "u1"})).user_id
    'u1'
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from typing import TYPE_CHECKING, Any, Callable, Mapping, Union

if TYPE_CHECKING:
    from werkzeug.datastructures import Headers as WerkzeugHeaders

from .errors import UnauthenticatedError

USERINFO_HEADER = "X-Apigateway-Api-Userinfo"
TOKEN_ALGORITHMS = ("RS256", "ES256")  # never "none", never HS* (an HMAC "signed" with a public key)
if TYPE_CHECKING:
    from jwt import PyJWK


# werkzeug's Headers (case-insensitive) in functions, a plain dict in tests.
Headers = Union[Mapping[str, str], "WerkzeugHeaders"]


@dataclasses.dataclass(frozen=True)
class Caller:
    user_id: str
    claims: dict[str, Any]


def _decode(raw: str) -> dict[str, Any]:
    padded = raw + "=" * (-len(raw) % 4)
    claims = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(claims, dict):
        raise ValueError("claims are not an object")
    return claims


def userinfo_header(claims: Mapping[str, Any]) -> dict[str, str]:
    """The header API Gateway would send for these claims (for tests and local tools)."""
    raw = base64.urlsafe_b64encode(json.dumps(dict(claims)).encode()).rstrip(b"=").decode()
    return {USERINFO_HEADER: raw}


def caller_from_headers(headers: Headers) -> Caller:
    """The caller of a protected operation; 401 when the gateway sent no usable identity."""
    raw = headers.get(USERINFO_HEADER)
    if not raw:
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.")
    try:
        claims = _decode(raw)
    except (ValueError, binascii.Error, UnicodeError):
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.")
    return Caller(user_id=subject, claims=claims)


def check_forwarded_token(headers: Headers, caller: Caller, verify: Callable[[str], Mapping[str, Any]]) -> None:
    """Defence in depth (VERIFY_FORWARDED_TOKEN): the bearer token itself must verify and name the same subject.

    API Gateway moves the client's Authorization to X-Forwarded-Authorization; a request
    that reached the function some other way carries it in Authorization. `verify` is the
    JWKS check of `JwksVerifier.verify` (algorithm allow-list, kid, iss, aud, exp, nbf).
    """
    raw = headers.get("X-Forwarded-Authorization") or headers.get("Authorization") or ""
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.")
    try:
        claims = verify(token.strip())
    except Exception:  # noqa: BLE001 - any failure to verify is the same 401
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.") from None
    if claims.get("sub") != caller.user_id:
        raise UnauthenticatedError("unauthenticated", "A valid access token is required.")


class JwksVerifier:
    """Checks an access token the way API Gateway does: a key from the JWKS, allowed algorithm, iss, aud, exp.

    The keys come from `jwks_uri` through PyJWT's `PyJWKClient`, which caches the set for
    `lifespan` seconds and refetches it for an unknown key id at most every `cooldown`
    seconds (a rotated key appears before the cache expires; a made-up kid must not make
    every request fetch). Used by the functions (VERIFY_FORWARDED_TOKEN) and the local
    gateway alike.

        >>> verifier = JwksVerifier("https://api.example/v1/auth/jwks", issuer="i", audiences=("a",))

    Then, for each request (the key set is fetched from `jwks_uri` on first use)::

        claims = verifier.verify(token)
    """

    def __init__(
        self,
        jwks_uri: str,
        *,
        issuer: str,
        audiences: tuple[str, ...],
        lifespan: float = 300.0,
        cooldown: float = 30.0,
        leeway_seconds: int = 60,
        timeout: float = 5.0,
        required: tuple[str, ...] = ("exp", "iss", "sub"),
    ):
        import jwt

        self._client = jwt.PyJWKClient(jwks_uri, lifespan=lifespan, cooldown_duration=cooldown, timeout=timeout)
        self._issuer = issuer
        self._audiences = list(audiences)
        self._leeway = leeway_seconds
        self._required = list(required)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises jwt.PyJWTError (or a subclass) when anything is off.

        Only the key's own algorithm is accepted (RFC 8725 §3.1): a token whose header names
        another (ES256 over an RSA key, HS256 "signed" with the public key) is refused before
        the key is used.
        """
        import jwt

        key = self._client.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[key_algorithm(key)],
            issuer=self._issuer,
            audience=self._audiences,
            leeway=self._leeway,
            options={"require": self._required},
        )
        return claims


def key_algorithm(key: PyJWK) -> str:
    """The one algorithm a published key verifies: RS256 for an RSA key, ES256 for an EC P-256 key.

    Taken from the key itself (its type and curve), and the JWK's `alg`, when it names one, must
    agree; any other key verifies nothing (jwt.InvalidKeyError).

        >>> import jwt
        >>> from wellness.auth.keys import Keyset, new_keyset_json
        >>> key_algorithm(jwt.PyJWK(Keyset.from_json(new_keyset_json()).jwks()["keys"][0]))
        'RS256'
    """
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    public = key.key
    own = None
    if isinstance(public, rsa.RSAPublicKey):
        own = "RS256"
    elif isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1":
        own = "ES256"
    if own is None or own not in TOKEN_ALGORITHMS or key.algorithm_name != own:
        raise jwt.InvalidKeyError(f"key {key.key_id!r} ({key.algorithm_name}) verifies no allowed algorithm")
    return own
