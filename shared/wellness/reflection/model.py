"""Reflections: values and rules. Pure: no framework, no cloud SDK.

The journal text is the most private data in the product: it is stored and given
back to its owner, and nothing else (never in an event, a log line or a span).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, Mapping


def iso(at: dt.datetime) -> str:
    """RFC 3339 in UTC with microseconds: sorts as a string in time order."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def local_date(at: dt.datetime, timezone: str) -> str:
    """The day `at` falls on in `timezone` (UTC for a name this machine does not know)."""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return at.astimezone(zone).date().isoformat()


def new_reflection(
    reflection_id: str, user_id: str, body: Mapping[str, Any], timezone: str, at: dt.datetime
) -> dict[str, Any]:
    """The stored document of a new reflection (the contract has checked the body).

    >>> doc = new_reflection("r1", "u1", {"mood": 4, "text": "hi", "tags": [" a", "a"]}, "Asia/Tokyo",
    ...                      dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC))
    >>> doc["date"], doc["tags"], doc["taskId"]
    ('2026-01-02', ['a'], None)
    """
    tags = list(dict.fromkeys(tag.strip() for tag in body.get("tags", [])))
    return {
        "id": reflection_id,
        "userId": user_id,
        "mood": body["mood"],
        "text": body["text"],
        "tags": tags,
        "taskId": body.get("taskId"),
        "date": local_date(at, timezone),
        "timezone": timezone,
        "createdAt": iso(at),
    }


def to_json(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What the owner gets back."""
    return {k: doc[k] for k in ("id", "mood", "text", "tags", "taskId", "date", "createdAt")}


def logged_event(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The data of `reflection.logged`: the mood and the day, never the text or the tags."""
    return {
        "userId": doc["userId"],
        "reflectionId": doc["id"],
        "mood": doc["mood"],
        "taskId": doc["taskId"],
        "date": doc["date"],
        "loggedAt": doc["createdAt"],
        "timezone": doc["timezone"],
    }
