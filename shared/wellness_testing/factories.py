"""Valid events and request headers with sensible defaults; a test names only what it cares about.

Every event builder returns an `Event` that passes its schema, for a new user unless
`user` is given, and takes any data field as a keyword to override:

    >>> event = user_created(displayName="Pia")
    >>> event.type, event.data["displayName"], event.data["userId"] == event.user_id
    ('user.created', 'Pia', True)
    >>> task_completed(date="2026-03-29").data["completedAt"]
    '2026-03-29T08:00:00Z'
    >>> at(task_completed(), "2026-01-01T00:00:00Z").occurred_at
    '2026-01-01T00:00:00Z'
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from wellness.platform.events import Event
from wellness.platform.identity import userinfo_header


def new_user_id() -> str:
    return str(uuid.uuid4())


def _event(event_type: str, user: str | None, defaults: dict[str, Any], overrides: dict[str, Any]) -> Event:
    user_id = user or new_user_id()
    return Event.new(event_type, user_id=user_id, data={"userId": user_id, **defaults, **overrides})


def user_created(user: str | None = None, **data: Any) -> Event:
    user_id = user or new_user_id()
    defaults = {"email": f"{user_id[:8]}@example.com", "displayName": "Ada", "timezone": "UTC"}
    return _event("user.created", user_id, defaults, data)


def user_deleted(user: str | None = None) -> Event:
    return _event("user.deleted", user, {}, {})


def profile_updated(user: str | None = None, **data: Any) -> Event:
    return _event("profile.updated", user, {"displayName": "Ada", "timezone": "UTC"}, data)


def task_completed(user: str | None = None, *, date: str = "2026-11-27", **data: Any) -> Event:
    defaults = {
        "taskId": "mindful-7-d1",
        "programId": "mindful-7",
        "day": 1,
        "date": date,
        "completedAt": f"{date}T08:00:00Z",
        "timezone": "Europe/Paris",
    }
    return _event("task.completed", user, defaults, data)


def reflection_logged(user: str | None = None, *, date: str = "2026-11-27", **data: Any) -> Event:
    defaults = {
        "reflectionId": uuid.uuid4().hex,
        "mood": 4,
        "taskId": None,
        "date": date,
        "loggedAt": f"{date}T20:00:00Z",
        "timezone": "Europe/Paris",
    }
    return _event("reflection.logged", user, defaults, data)


def password_reset_requested(user: str | None = None, **data: Any) -> Event:
    user_id = user or new_user_id()
    defaults = {
        "resetId": str(uuid.uuid4()),
        "email": f"{user_id[:8]}@example.com",
        "displayName": "Ada",
        "expiresAt": "2030-01-01T00:00:00Z",
    }
    return _event("password.reset_requested", user_id, defaults, data)


def email_verification_requested(user: str | None = None, **data: Any) -> Event:
    user_id = user or new_user_id()
    defaults = {
        "verificationId": str(uuid.uuid4()),
        "email": f"{user_id[:8]}@example.com",
        "displayName": "Ada",
        "expiresAt": "2030-01-01T00:00:00Z",
    }
    return _event("email.verification_requested", user_id, defaults, data)


def password_reset_submitted(email: str = "ada@example.com") -> Event:
    return Event.new("password.reset_submitted", user_id="anonymous", data={"email": email})


def at(event: Event, occurred_at: str) -> Event:
    """The same event as if it had happened at `occurred_at` (order-sensitive rules test with this)."""
    return dataclasses.replace(event, occurred_at=occurred_at)


def as_user(user_id: str, **claims: Any) -> dict[str, str]:
    """The headers API Gateway sends for a caller with this id: a verified account of long standing by default.

    Override any claim: `as_user(u, email_verified=False)` is a new, unverified account.
    """
    return userinfo_header({"sub": user_id, "email_verified": True, "acct_created": 0, **claims})
