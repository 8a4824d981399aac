"""Access-token signing keys: the keyset secret, signing and verification.

The secret `jwt-signing-keys` (SIGNING_KEYS_SECRET) holds a JSON keyset, newest first:

    {"keys": [{"kid": "2026-11-27-a1b2", "alg": "RS256", "privateKeyPem": "-----BEGIN ..."}, ...]}

The first key signs; every key in the set verifies and is published in the JWKS.
Rotation is a new secret version with a new key put first and the old one kept
second until every token it signed has expired, so nobody is logged out.

    >>> keyset = Keyset.from_json(new_keyset_json())
    >>> token = keyset.sign({"sub": "u1", "iss": "i", "aud": "a", "iat": 1767225600, "exp": 4102444800})
    >>> keyset.verify(token, issuer="i", audience="a")["sub"]
    'u1'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets as pysecrets
import threading
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from ..platform.secrets import SecretSource

SIGNING_KEYS_SECRET = "jwt-signing-keys"  # noqa: S105 - a secret's name, not a secret
ALGORITHMS = ("RS256",)  # the allow-list: never "none", never HS* with a public key
TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068 access-token type, checked on verification


class KeysetError(ValueError):
    """The keyset secret is malformed."""


@dataclasses.dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk


@dataclasses.dataclass(frozen=True)
class Keyset:
    keys: tuple[SigningKey, ...]

    @classmethod
    def from_json(cls, raw: str) -> Keyset:
        try:
            entries = json.loads(raw)["keys"]
            keys = tuple(
                SigningKey(
                    kid=entry["kid"],
                    private_key=serialization.load_pem_private_key(entry["privateKeyPem"].encode(), password=None),  # type: ignore[arg-type]
                )
                for entry in entries
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise KeysetError(f"the signing keyset is malformed: {type(exc).__name__}") from None
        if not keys or not all(isinstance(k.private_key, rsa.RSAPrivateKey) for k in keys):
            raise KeysetError("the signing keyset needs at least one RSA key")
        return cls(keys)

    @property
    def current(self) -> SigningKey:
        return self.keys[0]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self.keys]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims, self.current.private_key, algorithm="RS256", headers={"kid": self.current.kid, "typ": TOKEN_TYPE}
        )

    def verify(self, token: str, *, issuer: str, audience: str) -> dict[str, Any]:
        """Check a token as RFC 8725 asks: allowed algorithm, known kid, typ, iss, aud, exp, nbf.

        Raises jwt.InvalidTokenError (or a subclass) when anything is off.
        """
        header = jwt.get_unverified_header(token)
        if header.get("typ") != TOKEN_TYPE:
            raise jwt.InvalidTokenError("unexpected token type")
        by_kid = {key.kid: key for key in self.keys}
        key = by_kid.get(header.get("kid", ""))
        if key is None:
            raise jwt.InvalidTokenError("unknown key id")
        return jwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=list(ALGORITHMS),
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )


class KeysetSource:
    """The keyset in the secret, re-parsed only when the secret's value changes (a rotation); thread-safe.

    The secret source caches values for its TTL, so asking for the keyset on every
    request costs a comparison, and a rotated secret is picked up without a redeploy.

        >>> from wellness_testing.fakes import FakeSecrets
        >>> secrets = FakeSecrets({SIGNING_KEYS_SECRET: new_keyset_json()})
        >>> keys = KeysetSource(secrets)
        >>> keys.keyset() is keys.keyset()
        True
        >>> secrets.set(SIGNING_KEYS_SECRET, new_keyset_json())
        >>> keys.keyset().current.kid == Keyset.from_json(secrets.get(SIGNING_KEYS_SECRET)).current.kid
        True
    """

    def __init__(self, secrets: SecretSource, name: str = SIGNING_KEYS_SECRET):
        self._secrets = secrets
        self._name = name
        self._lock = threading.Lock()
        self._parsed: tuple[str, Keyset] | None = None

    def keyset(self) -> Keyset:
        """The current keyset; raises SecretNotFound (naming the secret) or KeysetError."""
        raw = self._secrets.get(self._name)
        with self._lock:
            if self._parsed is None or self._parsed[0] != raw:
                self._parsed = (raw, Keyset.from_json(raw))
            return self._parsed[1]

    def jwks(self) -> dict[str, Any]:
        """The public halves of every key in the set, as a JWKS (never a private part)."""
        return self.keyset().jwks()


def new_key_entry() -> dict[str, str]:
    """A fresh RSA-2048 key in the keyset's JSON form."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = f"{dt.date.today().isoformat()}-{pysecrets.token_hex(4)}"
    return {"kid": kid, "alg": "RS256", "privateKeyPem": pem}


def new_keyset_json(previous: str | None = None) -> str:
    """A keyset with a new current key, keeping the previous set's newest key for verification.

    >>> rotated = new_keyset_json(previous=new_keyset_json())
    >>> len(json.loads(rotated)["keys"])
    2
    """
    entries = [new_key_entry()]
    if previous:
        entries += json.loads(previous)["keys"][:1]
    return json.dumps({"keys": entries})


def public_jwks_json(keyset_json: str) -> str:
    """The value of the `jwt-public-keys` secret for a signing keyset: its JWKS, public halves only.

    >>> "privateKeyPem" in public_jwks_json(new_keyset_json()) or '"d"' in public_jwks_json(new_keyset_json())
    False
    """
    return json.dumps(Keyset.from_json(keyset_json).jwks())


if __name__ == "__main__":  # python -m wellness.auth.keys > keyset.json
    print(new_keyset_json())
