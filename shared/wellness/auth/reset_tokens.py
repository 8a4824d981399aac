"""Reset tokens: `<resetId>.<HMAC-SHA256(key, resetId)>`, stdlib only (notifications uses it through `public`).

>>> token = reset_token(b"k" * 32, "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11")
>>> parse_reset_token(b"k" * 32, token)
'0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11'
>>> parse_reset_token(b"another key", token) is None
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

RESET_KEY_SECRET = "password-reset-key"  # noqa: S105 - a secret's name


# E-mail verification links use the same key with their own prefix (domain separation): a reset
# token never verifies as a verification token, nor the other way round.
VERIFY_PURPOSE = "email-verification:"


def _mac(key: bytes, reset_id: str, purpose: str = "") -> str:
    digest = hmac.new(key, (purpose + reset_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def reset_token(key: bytes, reset_id: str, purpose: str = "") -> str:
    return f"{reset_id}.{_mac(key, reset_id, purpose)}"


def parse_reset_token(key: bytes, token: str, purpose: str = "") -> str | None:
    """The reset id when the token's MAC holds (compared in constant time), else None."""
    reset_id, _, mac = token.partition(".")
    try:
        uuid.UUID(reset_id)
    except ValueError:
        return None
    return reset_id if hmac.compare_digest(mac.encode(), _mac(key, reset_id, purpose).encode()) else None


def verification_token(key: bytes, verification_id: str) -> str:
    """`<verificationId>.<HMAC-SHA256(key, "email-verification:" + id)>`.

    >>> token = verification_token(b"k" * 32, "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11")
    >>> parse_verification_token(b"k" * 32, token) == "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11"
    True
    >>> parse_reset_token(b"k" * 32, token) is None
    True
    """
    return reset_token(key, verification_id, VERIFY_PURPOSE)


def parse_verification_token(key: bytes, token: str) -> str | None:
    return parse_reset_token(key, token, VERIFY_PURPOSE)


# The release smoke's verification path (README, "Deploying"): the same link record, vouched for by
# another key, `smoke-key`, that only the deployer and auth-verify-email can read. Its tokens say
# so in clear (`smoke.` first), so an ordinary link never needs that key, and they carry their own
# MAC prefix: neither key's tokens ever verify under the other's rule.
SMOKE_KEY_SECRET = "smoke-key"  # noqa: S105 - a secret's name
SMOKE_TOKEN_PREFIX = "smoke."  # noqa: S105 - a token's marker, not a credential
SMOKE_PURPOSE = "smoke-email-verification:"


def smoke_verification_token(key: bytes, verification_id: str) -> str:
    """`smoke.<verificationId>.<HMAC-SHA256(smoke-key, "smoke-email-verification:" + id)>`.

    >>> token = smoke_verification_token(b"s" * 32, "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11")
    >>> parse_smoke_verification_token(b"s" * 32, token) == "0b6f1f55-8f6e-4c36-9a55-3d0f0f7c2a11"
    True
    >>> parse_smoke_verification_token(b"another key", token) is None
    True
    >>> parse_verification_token(b"s" * 32, token) is None  # never an ordinary link, even under the same key
    True
    """
    return SMOKE_TOKEN_PREFIX + reset_token(key, verification_id, SMOKE_PURPOSE)


def is_smoke_verification_token(token: str) -> bool:
    return token.startswith(SMOKE_TOKEN_PREFIX)


def parse_smoke_verification_token(key: bytes, token: str) -> str | None:
    """The verification id when the smoke token's MAC holds under `key` (constant time), else None."""
    if not is_smoke_verification_token(token):
        return None
    return parse_reset_token(key, token.removeprefix(SMOKE_TOKEN_PREFIX), SMOKE_PURPOSE)


def reset_link(base_url: str, token: str) -> str:
    return f"{base_url}?token={token}"
