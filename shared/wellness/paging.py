"""Opaque cursors for keyset paging: the order values of the last item of a page.

A keyset cursor (not an offset) keeps paging stable while items are added: a new
item sorts before the cursor or after it, never shifting the pages in between.

    >>> encode(["2026-01-02", "a1"])
    'WyIyMDI2LTAxLTAyIiwiYTEiXQ'
    >>> decode(encode(["2026-01-02", "a1"]), 2)
    ['2026-01-02', 'a1']
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .errors import ValidationError


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).rstrip(b"=").decode()


def decode(cursor: str, size: int) -> list[Any]:
    """The values in `cursor`; 400 invalid_cursor when it is not one of ours."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size or not all(isinstance(v, (str, bool)) for v in values):
        raise ValidationError("invalid_cursor", "The cursor is not valid; start again without it.")
    return values


def page(
    docs: list[dict[str, Any]], limit: int, order_fields: tuple[str, ...]
) -> tuple[list[dict[str, Any]], str | None]:
    """(the first `limit` docs, the cursor after them or None) from up to limit+1 fetched docs."""
    items = docs[:limit]
    more = len(docs) > limit and items
    return items, encode([items[-1][f] for f in order_fields]) if more else None
