"""Profile values and rules. Pure: no framework, no cloud SDK.

>>> profile = Profile.new("u1", " Ada ", "UTC", at="2026-01-01T00:00:00.000000Z")
>>> profile.patched({"bio": "Runner"}, at="2026-01-02T00:00:00.000000Z").to_json()["bio"]
'Runner'
>>> profile.public()
{'userId': 'u1', 'displayName': 'Ada'}
>>> profile.etag, profile.patched({"bio": "Runner"}, at="2026-01-02T00:00:00.000000Z").etag
('"1"', '"2"')
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from ..platform.clock import check_timezone
from ..platform.preconditions import etag

EDITABLE = ("displayName", "timezone", "bio")


@dataclasses.dataclass(frozen=True)
class Profile:
    user_id: str
    display_name: str
    timezone: str
    bio: str
    created_at: str
    updated_at: str
    version: int = 1  # one more on every change: the ETag, so two devices cannot overwrite each other

    @classmethod
    def new(cls, user_id: str, display_name: str, timezone: str, *, at: str) -> Profile:
        return cls(user_id, display_name.strip(), timezone, "", at, at)

    @property
    def etag(self) -> str:
        return etag(self.version)

    def patched(self, patch: Mapping[str, Any], *, at: str) -> Profile:
        """The profile with the patch's editable fields applied (the contract already rejects others)."""
        changes = {k: v for k, v in patch.items() if k in EDITABLE}
        return dataclasses.replace(
            self,
            display_name=str(changes.get("displayName", self.display_name)).strip(),
            timezone=check_timezone(changes["timezone"]) if "timezone" in changes else self.timezone,
            bio=str(changes.get("bio", self.bio)),
            updated_at=at,
            version=self.version + 1,
        )

    def to_document(self) -> dict[str, Any]:
        """The stored document: the owner's view and its version."""
        return {**self.to_json(), "version": self.version}

    def to_json(self) -> dict[str, Any]:
        """The owner's view."""
        return {
            "userId": self.user_id,
            "displayName": self.display_name,
            "timezone": self.timezone,
            "bio": self.bio,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Profile:
        """From the stored document; fields an older document lacks take their defaults."""
        created = str(doc.get("createdAt", ""))
        return cls(
            str(doc["userId"]),
            str(doc.get("displayName", "")),
            str(doc.get("timezone", "UTC")),
            str(doc.get("bio", "")),
            created,
            str(doc.get("updatedAt", created)),
            int(doc.get("version", 1)),
        )

    def public(self) -> dict[str, Any]:
        """What other users may see: never the time zone, never contact details."""
        subset: dict[str, Any] = {"userId": self.user_id, "displayName": self.display_name}
        if self.bio:
            subset["bio"] = self.bio
        return subset

    def updated_event_data(self) -> dict[str, Any]:
        """The data of `profile.updated` (program and reporting keep the time zone from it)."""
        return {"userId": self.user_id, "displayName": self.display_name, "timezone": self.timezone}
