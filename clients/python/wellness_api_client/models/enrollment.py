from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Enrollment")


@_attrs_define
class Enrollment:
    """
    Example:
        {'durationDays': 7, 'enrolledAt': '2026-11-28T00:32:05.632Z', 'programId': 'mindful-7', 'startedOn':
            '2026-11-28', 'title': 'Mindful week'}

    Attributes:
        duration_days (int):
        enrolled_at (datetime.datetime):
        program_id (str):
        started_on (datetime.date): The local day on which day 1 is due.
        title (str):
    """

    duration_days: int
    enrolled_at: datetime.datetime
    program_id: str
    started_on: datetime.date
    title: str

    def to_dict(self) -> dict[str, Any]:
        duration_days = self.duration_days

        enrolled_at = self.enrolled_at.isoformat()

        program_id = self.program_id

        started_on = self.started_on.isoformat()

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "durationDays": duration_days,
                "enrolledAt": enrolled_at,
                "programId": program_id,
                "startedOn": started_on,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duration_days = d.pop("durationDays")

        enrolled_at = datetime.datetime.fromisoformat(d.pop("enrolledAt"))

        program_id = d.pop("programId")

        started_on = datetime.date.fromisoformat(d.pop("startedOn"))

        title = d.pop("title")

        enrollment = cls(
            duration_days=duration_days,
            enrolled_at=enrolled_at,
            program_id=program_id,
            started_on=started_on,
            title=title,
        )

        return enrollment
