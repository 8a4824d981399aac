"""A user's data export (`GET /v1/me/export`): what each domain's part shares, and its bound.

Each domain that keeps anything of a user exports it itself (`user_export` in its
`public.py`), as JSON-ready records in its own read; the account's export puts the parts
together. Every read is bounded: a section reads at most `limit + 1` records, and one more
than the limit is `ExportTooLargeError` (413 `export_too_large`), never an unbounded read;
the whole document has a byte bound too (`check_size`).

    >>> bounded(iter([{"a": 1}, {"a": 2}]), 5, "posts")
    [{'a': 1}, {'a': 2}]
    >>> bounded(iter(range(3)), 2, "posts")
    Traceback (most recent call last):
    ...
    wellness.platform.export.ExportTooLargeError: the export holds more than 2 posts
    >>> record({"user_id": "u", "created_at": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), "on": dt.date(2026, 1, 2)})
    {'userId': 'u', 'createdAt': '2026-01-02T03:04:00.000000Z', 'on': '2026-01-02'}
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .clock import timestamp
from .config import env_int
from .errors import PayloadTooLargeError

T = TypeVar("T")
# One domain's part of a user's export: the user id in, JSON-ready sections out.
Exporter = Callable[[str], dict[str, Any]]

# Per section (a domain's records of one kind): ten years of a daily journal fit, with room.
DEFAULT_MAX_RECORDS = 5000
# The whole document: under Cloud Run's 32 MiB response limit for an answer that is not streamed
# (https://cloud.google.com/run/quotas#cloud_run_limits), with room for the JSON of the error path.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class ExportTooLargeError(PayloadTooLargeError):
    """More than one synchronous answer may carry: 413 `export_too_large`, and what was over."""

    def __init__(self, what: str):
        super().__init__(
            "export_too_large",
            f"the export holds more than {what}",
            [{"field": "export", "reason": f"more than {what}"}],
        )


def max_records(env: Mapping[str, str]) -> int:
    """EXPORT_MAX_RECORDS: the most records one section of the export reads."""
    return env_int(env, "EXPORT_MAX_RECORDS", DEFAULT_MAX_RECORDS)


def max_bytes(env: Mapping[str, str]) -> int:
    """EXPORT_MAX_BYTES: the most bytes the whole document may hold."""
    return env_int(env, "EXPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def bounded(records: Iterable[T], limit: int, what: str) -> list[T]:
    """The records, refusing more than `limit` (the caller reads at most `limit + 1`)."""
    taken: list[T] = []
    for item in records:
        if len(taken) == limit:
            raise ExportTooLargeError(f"{limit} {what}")
        taken.append(item)
    return taken


def documents(query: Any, limit: int, what: str) -> list[dict[str, Any]]:
    """A Firestore query's documents as export records, as stored (at most `limit + 1` read)."""
    return bounded((record(s.to_dict() or {}) for s in query.limit(limit + 1).stream()), limit, what)


def check_size(document: Mapping[str, Any], limit: int) -> int:
    """The document's size as JSON in bytes, refusing more than `limit`."""
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limit:
        raise ExportTooLargeError(f"{limit} bytes")
    return size


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, (dt.date, uuid.UUID)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A database row as an export record: camelCase keys, values as the API writes them."""
    return {_camel(str(key)): _value(value) for key, value in row.items()}
