"""Access-token signing keys: the keyset secret, signing and verification.

The secret `jwt-signing-keys` holds a JSON keyset, newest first:

    {"keys": [{"kid": "2026-11-27-a1b2", "alg": "RS256", "privateKeyPem": "-----BEGIN ..."}, ...]}

The first key signs; every key in the set verifies and is published in the JWKS.
Rotation is a new secret version with a new key put first and the old one kept
second until every token it signed has expired, so nobody is logged out.

    >>> keyset = Keyset.from_json(new_keyset_json())
    >>> token = keyset.sign({"sub": "u1", "iss": "i", "aud": "a", "exp": 4102444800})
    >>> keyset.verify(token, issuer="i", audience="a")["sub"]
    'u1'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets as pysecrets
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

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


if __name__ == "__main__":  # python -m wellness.auth.keys > keyset.json
    print(new_keyset_json())
