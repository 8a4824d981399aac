"""Opaque cursors for list operations: base64url of the last item's sort key.

A client passes back `nextCursor` as `cursor` and gets the items after it; it never
reads a cursor, so the sort key may change without breaking anyone.

    >>> decode_cursor(encode_cursor("mindful-7"))
    'mindful-7'
"""

from __future__ import annotations

import base64
import binascii

from .errors import ValidationError


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    """The sort key in `cursor` (None for the first page); a cursor we did not make is a 400."""
    if cursor is None:
        return None
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = ""
    if not key or encode_cursor(key) != cursor:
        raise ValidationError("invalid_cursor", "The cursor is not one this list gave out.")
    return key


def page(keys_and_items: list[tuple[str, object]], limit: int) -> tuple[list[object], str | None]:
    """(the first `limit` items, the cursor after them or None) from up to limit+1 fetched (key, item) pairs."""
    items = [item for _, item in keys_and_items[:limit]]
    more = len(keys_and_items) > limit
    return items, encode_cursor(keys_and_items[limit - 1][0]) if more else None
