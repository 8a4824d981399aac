"""Find a user's data anywhere: every PostgreSQL table and every Firestore document, listed, not named.

The tables come from the database's own catalog (`information_schema.tables`), the
collections from Firestore itself (`collections()`, then each document's subcollections,
recursively), so a table or collection added tomorrow is scanned without editing this.
A row matches when its whole text (`row::text`: every column, uuid and jsonb included)
contains a needle, case-insensitively; a document when its path or its data, as JSON,
does. Needles are what identifies the user: id, e-mail, display name, texts written.

    Usage::

        scan_postgres(engine, ["4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e"])
        # -> {'outbox': [...], 'notifications_sent_mail': [...]}
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Engine, text

Found = dict[str, list[str]]  # table or collection id -> the matching rows or documents, as text


def postgres_tables(engine: Engine) -> list[str]:
    """Every base table of the public schema, from the catalog."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        )
        return [str(name) for (name,) in rows]


def scan_postgres(engine: Engine, needles: Sequence[str]) -> Found:
    """{table: [row as text]} for every row of every table that contains any needle."""
    found: Found = {}
    lowered = [needle.lower() for needle in needles if needle]
    with engine.connect() as conn:
        for table in postgres_tables(engine):
            quoted = '"' + table.replace('"', '""') + '"'
            rows = conn.execute(
                text(  # the table name comes from the catalog, quoted; the needles are parameters
                    f"SELECT r::text FROM {quoted} AS r"  # noqa: S608
                    " WHERE EXISTS (SELECT 1 FROM unnest(CAST(:needles AS text[])) AS n"
                    " WHERE strpos(lower(r::text), n) > 0)"
                ),
                {"needles": lowered},
            )
            matches = [str(row) for (row,) in rows]
            if matches:
                found[table] = matches
    return found


def firestore_documents(client: Any) -> Iterator[Any]:
    """Every document snapshot, in every collection and subcollection, recursively (listed by Firestore)."""

    def under(collections: Iterable[Any]) -> Iterator[Any]:
        for collection in collections:
            # list_documents() also names documents that exist only as parents of subcollections.
            for ref in collection.list_documents():
                snapshot = ref.get()
                if snapshot.exists:
                    yield snapshot
                yield from under(ref.collections())

    yield from under(client.collections())


def scan_firestore(client: Any, needles: Sequence[str]) -> Found:
    """{collection id: [document path and data as JSON]} for every document that contains any needle."""
    found: Found = {}
    lowered = [needle.lower() for needle in needles if needle]
    for snapshot in firestore_documents(client):
        described = f"{snapshot.reference.path} {json.dumps(snapshot.to_dict(), default=str, ensure_ascii=False)}"
        if any(needle in described.lower() for needle in lowered):
            found.setdefault(snapshot.reference.parent.id, []).append(described)
    return found


Rows = dict[str, list[dict[str, Any]]]  # table or collection id -> the matching rows or documents, as values


def postgres_rows(engine: Engine, needles: Sequence[str]) -> Rows:
    """{table: [row as {column: JSON value}]} for every row of every table that contains any needle."""
    found: Rows = {}
    lowered = [needle.lower() for needle in needles if needle]
    with engine.connect() as conn:
        for table in postgres_tables(engine):
            quoted = '"' + table.replace('"', '""') + '"'
            rows = conn.execute(
                text(  # as in scan_postgres; to_jsonb gives each column's value (timestamps in ISO 8601)
                    f"SELECT to_jsonb(r) FROM {quoted} AS r"  # noqa: S608
                    " WHERE EXISTS (SELECT 1 FROM unnest(CAST(:needles AS text[])) AS n"
                    " WHERE strpos(lower(r::text), n) > 0)"
                ),
                {"needles": lowered},
            )
            matches = [dict(row) for (row,) in rows]
            if matches:
                found[table] = matches
    return found


def firestore_rows(client: Any, needles: Sequence[str]) -> Rows:
    """{collection id: [document data]} for every document whose path or data contains any needle."""
    found: Rows = {}
    lowered = [needle.lower() for needle in needles if needle]
    for snapshot in firestore_documents(client):
        data = snapshot.to_dict() or {}
        described = f"{snapshot.reference.path} {json.dumps(data, default=str, ensure_ascii=False)}"
        if any(needle in described.lower() for needle in lowered):
            found.setdefault(snapshot.reference.parent.id, []).append(data)
    return found
