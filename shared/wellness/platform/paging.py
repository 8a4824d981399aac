"""Opaque cursors for keyset paging: the sort-key values of the last item of a page.

A client passes `nextCursor` back as `cursor` and gets the items after it; it never
reads a cursor, so the sort key may change without breaking anyone. A keyset cursor
(not an offset) keeps paging stable while items are added: a new item sorts before
the cursor or after it, never shifting the pages in between.

    >>> decode(encode(["2026-01-02", "a1"]), 2)
    ['2026-01-02', 'a1']
    >>> decode_cursor(encode_cursor("mindful-7"))
    'mindful-7'
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Sequence, TypeVar

from . import text
from .errors import ValidationError

T = TypeVar("T")


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).rstrip(b"=").decode()


def decode(cursor: str, size: int) -> list[Any]:
    """The `size` values in `cursor`; 400 invalid_cursor when it is not one of ours.

    Its values go into queries, so one that no store can hold (a NUL, a lone
    surrogate: never in a cursor this API gave out) is refused here too.

    >>> decode(encode(["a\\u0000"]), 1)
    Traceback (most recent call last):
    wellness.platform.errors.ValidationError: The cursor is not one this list gave out; start again without it.
    """
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != size
        or not all(isinstance(v, bool) or (isinstance(v, str) and text.unstorable(v) is None) for v in values)
    ):
        raise ValidationError("invalid_cursor", "The cursor is not one this list gave out; start again without it.")
    return values


def encode_cursor(key: str) -> str:
    """A cursor for a single string sort key."""
    return encode([key])


def decode_cursor(cursor: str | None) -> str | None:
    """The single string sort key in `cursor` (None for the first page)."""
    if cursor is None:
        return None
    key = decode(cursor, 1)[0]
    if not isinstance(key, str) or not key:
        raise ValidationError("invalid_cursor", "The cursor is not one this list gave out; start again without it.")
    return key


def page(
    docs: list[dict[str, Any]], limit: int, order_fields: tuple[str, ...]
) -> tuple[list[dict[str, Any]], str | None]:
    """(the first `limit` docs, the cursor after them or None) from up to limit+1 fetched docs."""
    items = docs[:limit]
    more = len(docs) > limit and items
    return items, encode([items[-1][f] for f in order_fields]) if more else None


def page_by_key(keys_and_items: Sequence[tuple[str, T]], limit: int) -> tuple[list[T], str | None]:
    """(the first `limit` items, the cursor after them or None) from up to limit+1 fetched (key, item) pairs."""
    items = [item for _, item in keys_and_items[:limit]]
    more = len(keys_and_items) > limit
    return items, encode_cursor(keys_and_items[limit - 1][0]) if more else None
