"""Time: now, RFC 3339 timestamps in one format, and users' local days.

Every timestamp the system writes (API answers, events, stored documents, logs,
spans) is `timestamp()`: UTC, microseconds, `Z`. One fixed width means timestamps
sort as strings in time order, which Firestore keys and cursors rely on.

    >>> import datetime as dt
    >>> timestamp(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    '2026-01-02T03:04:05.000000Z'
    >>> parse_timestamp("2026-01-02T03:04:05.000000Z").year
    2026
    >>> local_date(dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC), "Asia/Tokyo").isoformat()
    '2026-01-02'
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from .errors import ValidationError

DEFAULT_TIMEZONE = "UTC"  # only while a domain has not yet heard of the user's zone


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware (UTC); inject it as `clock` where a test needs to move time."""
    return dt.datetime.now(dt.UTC)


def timestamp(at: dt.datetime | None = None) -> str:
    """RFC 3339 in UTC with microseconds (`now` by default); `at` must be timezone-aware."""
    moment = utc_now() if at is None else at
    if moment.tzinfo is None:
        raise ValueError("timestamp() needs a timezone-aware datetime")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> dt.datetime:
    """The aware datetime of an RFC 3339 string (`Z` or an offset)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The user's zone; UTC when none is known yet or the name is not one this system knows.

    >>> zone("Nowhere/Never").key
    'UTC'
    """
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def local_date(at: dt.datetime, timezone: str | None) -> dt.date:
    """The calendar day it is at the instant `at` (aware) in `timezone`."""
    return at.astimezone(zone(timezone)).date()


def check_timezone(name: str, field: str = "body.timezone") -> str:
    """An IANA time zone name, or a 400 naming the field.

    >>> check_timezone("Europe/Paris")
    'Europe/Paris'
    >>> check_timezone("Nowhere/Never")
    Traceback (most recent call last):
    ...
    wellness.platform.errors.ValidationError: Unknown time zone.
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "invalid_timezone", "Unknown time zone.", [{"field": field, "message": "must be an IANA time zone"}]
        ) from None
    return name
