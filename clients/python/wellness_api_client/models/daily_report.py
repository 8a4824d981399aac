from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DailyReport")


@_attrs_define
class DailyReport:
    """
    Attributes:
        average_mood (float | None):
        date (datetime.date):
        reflections_logged (int):
        tasks_completed (int):
    """

    average_mood: float | None
    date: datetime.date
    reflections_logged: int
    tasks_completed: int

    def to_dict(self) -> dict[str, Any]:
        average_mood: float | None
        average_mood = self.average_mood

        date = self.date.isoformat()

        reflections_logged = self.reflections_logged

        tasks_completed = self.tasks_completed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "averageMood": average_mood,
                "date": date,
                "reflectionsLogged": reflections_logged,
                "tasksCompleted": tasks_completed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_average_mood(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        average_mood = _parse_average_mood(d.pop("averageMood"))

        date = datetime.date.fromisoformat(d.pop("date"))

        reflections_logged = d.pop("reflectionsLogged")

        tasks_completed = d.pop("tasksCompleted")

        daily_report = cls(
            average_mood=average_mood,
            date=date,
            reflections_logged=reflections_logged,
            tasks_completed=tasks_completed,
        )

        return daily_report
