"""Reflections in Firestore: `users/{userId}/reflections/{id}`, reachable only through the owner's id.

Every operation takes the caller's id and builds the path from it, so one user can
never name another's reflection: it is simply not found.

    >>> runtime.firestore_transaction(lambda tx, outbox: create(client, tx, outbox, uid, body))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Mapping

from .. import paging
from ..errors import NotFoundError
from ..events import Event
from ..firestore_queries import REFLECTIONS_PAGE, build
from ..profile.store import timezone_of
from .model import logged_event, new_reflection, to_json

ORDER = tuple(field for field, _ in REFLECTIONS_PAGE.order)


def _collection(client: Any, user_id: str) -> Any:
    return client.collection("users").document(user_id).collection("reflections")


def _not_found() -> NotFoundError:
    return NotFoundError("reflection_not_found", "There is no such reflection.")


def create(client: Any, transaction: Any, outbox: Any, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Store a reflection and its `reflection.logged`, both in `transaction` (the day in the profile's zone)."""
    timezone = timezone_of(client, transaction, user_id)  # reads before writes
    doc = new_reflection(uuid.uuid4().hex, user_id, body, timezone, dt.datetime.now(dt.UTC))
    transaction.create(_collection(client, user_id).document(doc["id"]), doc)
    outbox.add(Event.new("reflection.logged", user_id=user_id, data=logged_event(doc)))
    return to_json(doc)


def list_page(
    client: Any, user_id: str, *, limit: int, cursor: str | None = None, date_from: str | None = None,
    date_to: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One page, newest first: `{items, nextCursor}`."""
    after = dict(zip(ORDER, paging.decode(cursor, len(ORDER)), strict=True)) if cursor else None
    query = build(_collection(client, user_id), REFLECTIONS_PAGE, lower=date_from, upper=date_to, after=after)
    docs = [s.to_dict() for s in query.limit(limit + 1).stream()]
    items, next_cursor = paging.page(docs, limit, ORDER)
    return {"items": [to_json(d) for d in items], "nextCursor": next_cursor}


def get(client: Any, user_id: str, reflection_id: str) -> dict[str, Any]:
    snapshot = _collection(client, user_id).document(reflection_id).get()
    if not snapshot.exists:
        raise _not_found()
    return to_json(snapshot.to_dict())


def delete(client: Any, user_id: str, reflection_id: str) -> None:
    ref = _collection(client, user_id).document(reflection_id)
    if not ref.get().exists:
        raise _not_found()
    ref.delete()


def erase_user(client: Any, user_id: str, chunk: int = 400) -> int:
    """Delete every reflection of the user (account deletion); repeatable, returns how many went."""
    deleted = 0
    while True:
        refs = list(_collection(client, user_id).limit(chunk).select([]).stream())
        if not refs:
            return deleted
        batch = client.batch()
        for snapshot in refs:
            batch.delete(snapshot.reference)
        batch.commit()
        deleted += len(refs)
