"""Reflections: values and rules. Pure: no framework, no cloud SDK.

The journal text is the most private data in the product: it is stored and given
back to its owner, and nothing else (never in an event, a log line or a span; not
even in the repr of a `Reflection`, which ends up in tracebacks and test reports).

    >>> import datetime as dt
    >>> made = Reflection.new("r1", "u1", {"mood": 4, "text": "hi", "tags": [" a", "a"]}, "Asia/Tokyo",
    ...                       at=dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC))
    >>> made.date.isoformat(), made.tags, made.created_at
    ('2026-01-02', ('a',), '2026-01-01T20:00:00.000000Z')
    >>> "hi" in repr(made), "text" in made.logged_event_data()
    (False, False)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Mapping

from ..platform.clock import local_date, timestamp

PageKey = tuple[str, str, str]
"""Where a reflection sorts in its owner's list, newest first: (local day, createdAt, id)."""


@dataclasses.dataclass(frozen=True)
class Reflection:
    id: str
    user_id: str
    mood: int
    text: str = dataclasses.field(repr=False)
    tags: tuple[str, ...]
    task_id: str | None
    date: dt.date  # the local day it was logged on, in `timezone`
    timezone: str  # the author's zone when it was logged
    created_at: str  # clock.timestamp(): sorts as a string in time order

    @classmethod
    def new(
        cls, reflection_id: str, user_id: str, body: Mapping[str, Any], timezone: str, *, at: dt.datetime
    ) -> Reflection:
        """A new reflection from a request body (the contract has checked it); tags trimmed, each once."""
        tags = tuple(dict.fromkeys(str(tag).strip() for tag in body.get("tags", [])))
        return cls(
            id=reflection_id,
            user_id=user_id,
            mood=int(body["mood"]),
            text=str(body["text"]),
            tags=tags,
            task_id=body.get("taskId"),
            date=local_date(at, timezone),
            timezone=timezone,
            created_at=timestamp(at),
        )

    @property
    def page_key(self) -> PageKey:
        return self.date.isoformat(), self.created_at, self.id

    def to_json(self) -> dict[str, Any]:
        """What the owner gets back."""
        return {
            "id": self.id,
            "mood": self.mood,
            "text": self.text,
            "tags": list(self.tags),
            "taskId": self.task_id,
            "date": self.date.isoformat(),
            "createdAt": self.created_at,
        }

    def to_document(self) -> dict[str, Any]:
        """The stored document: the owner's view, plus whose it is and the zone its day was taken in."""
        return {**self.to_json(), "userId": self.user_id, "timezone": self.timezone}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Reflection:
        return cls(
            id=doc["id"],
            user_id=doc["userId"],
            mood=doc["mood"],
            text=doc["text"],
            tags=tuple(doc.get("tags") or ()),
            task_id=doc.get("taskId"),
            date=dt.date.fromisoformat(doc["date"]),
            timezone=doc["timezone"],
            created_at=doc["createdAt"],
        )

    def logged_event_data(self) -> dict[str, Any]:
        """The data of `reflection.logged`: the mood and the day, never the text or the tags."""
        return {
            "userId": self.user_id,
            "reflectionId": self.id,
            "mood": self.mood,
            "taskId": self.task_id,
            "date": self.date.isoformat(),
            "loggedAt": self.created_at,
            "timezone": self.timezone,
        }
