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


def _mac(key: bytes, reset_id: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, reset_id.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()


def reset_token(key: bytes, reset_id: str) -> str:
    return f"{reset_id}.{_mac(key, reset_id)}"


def parse_reset_token(key: bytes, token: str) -> str | None:
    """The reset id when the token's MAC holds (compared in constant time), else None."""
    reset_id, _, mac = token.partition(".")
    try:
        uuid.UUID(reset_id)
    except ValueError:
        return None
    return reset_id if hmac.compare_digest(mac.encode(), _mac(key, reset_id).encode()) else None


def reset_link(base_url: str, token: str) -> str:
    return f"{base_url}?token={token}"
