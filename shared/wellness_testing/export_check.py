"""Whether an export holds every row a scan found: each row's values, in one record of the export.

A row (a table's, or a Firestore document's data) is covered when some object of the export,
at any depth, holds every one of the row's values that is not null (its keys may differ:
`completed_at` is `completedAt` there). Values are compared normalised: a timestamp as the
instant it names (PostgreSQL's `+00:00` and the API's `Z` alike), numbers as numbers, a
list or a JSON column by its items. What the export leaves out on purpose is named, as
`place` (all of it) or `place.column`.

    >>> export = {"program": {"completions": [{"taskId": "t-1", "completedAt": "2026-01-02T03:04:05.000000Z"}]}}
    >>> row = {"task_id": "t-1", "completed_at": "2026-01-02T03:04:05+00:00", "note": None}
    >>> uncovered(export, {"postgres:program_completions": [row]}, set())
    []
    >>> uncovered(export, {"postgres:program_completions": [{**row, "task_id": "t-2"}]}, set())
    ["postgres:program_completions.task_id = 't-2' (in a row the export has no record of)"]
    >>> hashes = {"postgres:auth_users": [{"password_hash": "$argon2id$"}]}
    >>> uncovered(export, hashes, {"postgres:auth_users.password_hash"})
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Set
from typing import Any


def _normal(value: Any) -> Iterator[Any]:
    """The comparable leaves of a value: timestamps as UTC instants, numbers as floats, containers by item."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _normal(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _normal(item)
    elif isinstance(value, bool):
        yield value
    elif isinstance(value, (int, float)):
        yield float(value)
    elif isinstance(value, dt.datetime):
        yield value.astimezone(dt.UTC)
    elif isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
        try:
            yield dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
        except ValueError:
            yield value
    else:
        yield value if isinstance(value, str) else str(value)


def _records(export: Any) -> Iterator[set[Any]]:
    """The leaves of every object of the export, one set per object (its own values, and its lists' scalars)."""
    if isinstance(export, Mapping):
        own = [v for v in export.values() if not isinstance(v, Mapping)]
        yield set(
            _normal(
                [v for v in own if not isinstance(v, list)]
                + [x for v in own if isinstance(v, list) for x in v if not isinstance(x, Mapping)]
            )
        )
        for item in export.values():
            yield from _records(item)
    elif isinstance(export, list):
        for item in export:
            yield from _records(item)


def uncovered(export: Mapping[str, Any], found: Mapping[str, list[dict[str, Any]]], withheld: Set[str]) -> list[str]:
    """`place.column = value` for each value of a found row that no single record of the export holds."""
    records = [leaves for leaves in _records(export) if leaves]
    problems = []
    for place, rows in sorted(found.items()):
        if place in withheld:
            continue
        for row in rows:
            wanted = {
                column: set(_normal(value))
                for column, value in row.items()
                if f"{place}.{column}" not in withheld and set(_normal(value))
            }
            best = max(records, key=lambda leaves: sum(v <= leaves for v in wanted.values()), default=set())
            problems += [
                f"{place}.{column} = {row[column]!r} (in a row the export has no record of)"
                for column, values in sorted(wanted.items())
                if not values <= best
            ]
    return problems
