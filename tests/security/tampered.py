"""Access tokens a gateway must refuse (RFC 8725): built once, used by tests/e2e and tests/security."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from wellness.auth.keys import Keyset, new_keyset_json


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    base = {"iss": "wellness-local", "aud": "wellness-app", "sub": "x", "iat": now, "nbf": now, "exp": now + 300}
    return {**base, **overrides}


def forged_hs256(payload: dict[str, Any], secret: bytes, kid: str) -> str:
    """HS256 signed with the RSA public key: the classic algorithm-confusion attack (PyJWT refuses to make one)."""

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def tampered_tokens(keyset_json: str, issuer: str, audience: str, sub: str = "x") -> tuple[dict[str, Any], str]:
    """({name: token or None}, a good token for the control) for the stack's keyset and claims."""
    real = Keyset.from_json(keyset_json)
    other = Keyset.from_json(new_keyset_json())
    kid = real.current.kid
    public_pem = real.current.private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    good = claims(iss=issuer, aud=audience, sub=sub)
    past = good["iat"] - 7200
    tokens = {
        "none": None,
        "garbage": "not-a-jwt",
        "bad signature (another key, our kid)": jwt.encode(
            good, other.current.private_key, algorithm="RS256", headers={"kid": kid}
        ),
        "unknown key": other.sign(good),
        "alg none": jwt.encode(good, None, algorithm="none", headers={"kid": kid}),  # type: ignore[arg-type]
        "HS256 with the public key": forged_hs256(good, public_pem, kid),
        # A real ES256 signature naming our RSA key: each key verifies its own algorithm only (RFC 8725 §3.1);
        # PyJWT used to raise TypeError on it and the gateway answered 502.
        "ES256 over our RSA key": jwt.encode(
            good, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": kid}
        ),
        "expired": real.sign({**good, "exp": past + 3600, "iat": past, "nbf": past}),
        "not yet valid": real.sign({**good, "nbf": good["iat"] + 3600}),
        "wrong issuer": real.sign({**good, "iss": "someone-else"}),
        "wrong audience": real.sign({**good, "aud": "another-app"}),
    }
    return tokens, real.sign(good)
