"""Profile values and rules. Pure: no framework, no cloud SDK."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ..auth.model import check_timezone

EDITABLE = ("displayName", "timezone", "bio")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_profile(user_id: str, display_name: str, timezone: str, at: str) -> dict[str, Any]:
    return {
        "userId": user_id,
        "displayName": display_name,
        "timezone": timezone,
        "bio": "",
        "createdAt": at,
        "updatedAt": at,
    }


def apply_patch(profile: Mapping[str, Any], patch: Mapping[str, Any], at: str) -> dict[str, Any]:
    """The profile with the patch's editable fields applied (the contract already rejects others)."""
    changes = {k: v for k, v in patch.items() if k in EDITABLE}
    if "timezone" in changes:
        check_timezone(changes["timezone"])
    if "displayName" in changes:
        changes["displayName"] = changes["displayName"].strip()
    return {**profile, **changes, "updatedAt": at}


def public_subset(profile: Mapping[str, Any]) -> dict[str, Any]:
    """What other users may see: never the time zone, never contact details.

    >>> public_subset({"userId": "u1", "displayName": "Ada", "timezone": "UTC", "bio": ""})
    {'userId': 'u1', 'displayName': 'Ada'}
    """
    subset = {"userId": profile["userId"], "displayName": profile["displayName"]}
    if profile.get("bio"):
        subset["bio"] = profile["bio"]
    return subset
