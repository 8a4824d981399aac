"""One user's rows of a table, for the export (`wellness.platform.export`): bounded, as export records.

Usage::

    rows(store.connection, program_enrollments, user_id, limit, "enrollments")
    # -> [{'userId': '…', 'programId': 'mindful-7', 'startedOn': '2026-01-02', 'enrolledAt': '…'}]
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Column, Connection, Table, select

from ..export import bounded, record


def rows(
    connection: Connection,
    table: Table,
    user_id: str,
    limit: int,
    what: str,
    *,
    owner: Column[Any] | None = None,
    leave_out: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The rows whose `owner` column (default `user_id`) is the user, in key order, without `leave_out` columns.

    Reads at most `limit + 1` rows: one more than `limit` is `ExportTooLargeError`.
    """
    key = table.c.user_id if owner is None else owner
    columns = [column for column in table.columns if column.name not in leave_out]
    query = select(*columns).where(key == uuid.UUID(user_id)).order_by(*table.primary_key.columns).limit(limit + 1)
    return bounded((record(dict(row)) for row in connection.execute(query).mappings()), limit, what)


def row(
    connection: Connection,
    table: Table,
    user_id: str,
    *,
    owner: Column[Any] | None = None,
    leave_out: Collection[str] = (),
) -> dict[str, Any] | None:
    """The user's one row of a table keyed by the user (None when there is none)."""
    found = rows(connection, table, user_id, 1, table.name, owner=owner, leave_out=leave_out)
    return found[0] if found else None
