"""The public keys that verify access tokens, as the auth-jwks function serves them: never a private part.

The secret `jwt-public-keys` (PUBLIC_KEYS_SECRET) holds the JWKS of the signing keyset:
only the public halves (`kty`, `n`, `e`, `kid`, `alg`, `use`). `scripts/bootstrap-secrets`
and the local stack derive it from `jwt-signing-keys` (wellness.auth.keys.public_jwks_json),
writing it before a rotated signing keyset, so a new key is published before it signs.
auth-jwks is granted this secret only: a bug or a compromise there exposes nothing that
signs. A value with a private member is refused (a misfiled secret must not be served).

    >>> from wellness_testing.fakes import FakeSecrets
    >>> raw = '{"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB", "alg": "RS256", "use": "sig"}]}'
    >>> PublicKeysSource(FakeSecrets({PUBLIC_KEYS_SECRET: raw})).jwks()["keys"][0]["kid"]
    'k1'
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..platform.secrets import SecretSource

PUBLIC_KEYS_SECRET = "jwt-public-keys"  # noqa: S105 - a secret's name, not a secret
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k", "privateKeyPem"})


class PublicKeysError(ValueError):
    """The public-keys secret is malformed, or holds a private member."""


def parse_jwks(raw: str) -> dict[str, Any]:
    try:
        keys = json.loads(raw)["keys"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PublicKeysError(f"the public keys are malformed: {type(exc).__name__}") from None
    if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) and k.get("kid") for k in keys):
        raise PublicKeysError("the public keys need at least one key, each with a kid")
    if any(PRIVATE_MEMBERS & set(key) for key in keys):
        raise PublicKeysError("the public keys secret holds a private key member: refusing to serve it")
    return {"keys": keys}


class PublicKeysSource:
    """The JWKS in the secret, re-parsed only when its value changes (a rotation); thread-safe."""

    def __init__(self, secrets: SecretSource, name: str = PUBLIC_KEYS_SECRET):
        self._secrets = secrets
        self._name = name
        self._lock = threading.Lock()
        self._parsed: tuple[str, dict[str, Any]] | None = None

    def jwks(self) -> dict[str, Any]:
        raw = self._secrets.get(self._name)
        with self._lock:
            if self._parsed is None or self._parsed[0] != raw:
                self._parsed = (raw, parse_jwks(raw))
            return self._parsed[1]
