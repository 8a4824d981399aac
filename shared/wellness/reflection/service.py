"""Reflection use cases: log one, list yours a page at a time, read or delete one; erase them all on deletion.

A reflection's day is the author's local day, in the zone of their profile when they
log it. Only the owner ever names a reflection: anyone else's is simply not found.

    >>> import datetime as dt
    >>> from wellness_testing.factories import new_user_id
    >>> from wellness_testing.fakes.reflection import fake_reflection_service
    >>> ada = new_user_id()
    >>> service, uow = fake_reflection_service(dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC), {ada: "Asia/Tokyo"})
    >>> made = service.create(ada, {"mood": 4, "text": "A calm walk."})
    >>> made["date"], [r["id"] for r in service.list_page(ada, limit=10)["items"]] == [made["id"]]
    ('2026-01-02', True)
    >>> [(event.type, "text" in event.data) for event in uow.published]
    [('reflection.logged', False)]
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Mapping

from ..platform.clock import utc_now
from ..platform.errors import NotFoundError, ValidationError
from ..platform.events import Event
from ..platform.paging import decode, encode
from ..platform.ports import UnitOfWork
from .model import PageKey, Reflection
from .ports import ReflectionStore


def _not_found() -> NotFoundError:
    return NotFoundError("reflection_not_found", "There is no such reflection.")


def _after(cursor: str | None) -> PageKey | None:
    """The page key in a cursor this list gave out; 400 invalid_cursor for anything else."""
    if cursor is None:
        return None
    date, created_at, reflection_id = decode(cursor, 3)
    if not (isinstance(date, str) and isinstance(created_at, str) and isinstance(reflection_id, str)):
        raise ValidationError("invalid_cursor", "The cursor is not one this list gave out; start again without it.")
    return date, created_at, reflection_id


class ReflectionService:
    def __init__(self, unit_of_work: UnitOfWork[ReflectionStore], clock: Callable[[], dt.datetime] = utc_now):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._clock = clock

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Store the reflection and its `reflection.logged` in one transaction (the day in the profile's zone)."""

        def work(store: ReflectionStore) -> Reflection:
            timezone = store.zones.of(user_id)  # Firestore: every read before the first write
            reflection = Reflection.new(uuid.uuid4().hex, user_id, body, timezone, at=self._clock())
            store.reflections.add(reflection)
            store.outbox.add(Event.new("reflection.logged", user_id=user_id, data=reflection.logged_event_data()))
            return reflection

        return self.unit_of_work.run(work).to_json()

    def list_page(
        self,
        user_id: str,
        *,
        limit: int,
        cursor: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> dict[str, Any]:
        """One page of the user's reflections, newest first, within the local days given: `{items, nextCursor}`."""
        after = _after(cursor)
        found = self.unit_of_work.read(
            lambda store: store.reflections.page(
                user_id, limit=limit + 1, after=after, date_from=date_from, date_to=date_to
            )
        )
        items = found[:limit]
        more = len(found) > limit and items
        return {"items": [r.to_json() for r in items], "nextCursor": encode(list(items[-1].page_key)) if more else None}

    def get(self, user_id: str, reflection_id: str) -> dict[str, Any]:
        reflection = self.unit_of_work.read(lambda store: store.reflections.get(user_id, reflection_id))
        if reflection is None:
            raise _not_found()
        return reflection.to_json()

    def delete(self, user_id: str, reflection_id: str) -> None:
        def work(store: ReflectionStore) -> None:
            if store.reflections.get(user_id, reflection_id) is None:
                raise _not_found()
            store.reflections.delete(user_id, reflection_id)

        self.unit_of_work.run(work)

    def on_user_deleted(self, store: ReflectionStore, event: Event) -> None:
        """Erase every reflection of the user: outside the transaction, in batches, so a retry erases the rest."""
        store.reflections.erase_user(event.data["userId"])
