from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReportSummary")


@_attrs_define
class ReportSummary:
    """
    Example:
        {'averageMood30d': None, 'averageMood7d': 3.8, 'currentStreak': 3, 'longestStreak': 5, 'reflectionsLogged': 8,
            'tasksCompleted': 12, 'today': '2026-11-28'}

    Attributes:
        average_mood_30_d (float | None):
        average_mood_7_d (float | None): Over the last 7 local days including today; null without reflections.
        current_streak (int):
        longest_streak (int):
        reflections_logged (int):
        tasks_completed (int):
        today (datetime.date): The local day the summary was computed for.
    """

    average_mood_30_d: float | None
    average_mood_7_d: float | None
    current_streak: int
    longest_streak: int
    reflections_logged: int
    tasks_completed: int
    today: datetime.date

    def to_dict(self) -> dict[str, Any]:
        average_mood_30_d: float | None
        average_mood_30_d = self.average_mood_30_d

        average_mood_7_d: float | None
        average_mood_7_d = self.average_mood_7_d

        current_streak = self.current_streak

        longest_streak = self.longest_streak

        reflections_logged = self.reflections_logged

        tasks_completed = self.tasks_completed

        today = self.today.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "averageMood30d": average_mood_30_d,
                "averageMood7d": average_mood_7_d,
                "currentStreak": current_streak,
                "longestStreak": longest_streak,
                "reflectionsLogged": reflections_logged,
                "tasksCompleted": tasks_completed,
                "today": today,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_average_mood_30_d(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        average_mood_30_d = _parse_average_mood_30_d(d.pop("averageMood30d"))

        def _parse_average_mood_7_d(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        average_mood_7_d = _parse_average_mood_7_d(d.pop("averageMood7d"))

        current_streak = d.pop("currentStreak")

        longest_streak = d.pop("longestStreak")

        reflections_logged = d.pop("reflectionsLogged")

        tasks_completed = d.pop("tasksCompleted")

        today = datetime.date.fromisoformat(d.pop("today"))

        report_summary = cls(
            average_mood_30_d=average_mood_30_d,
            average_mood_7_d=average_mood_7_d,
            current_streak=current_streak,
            longest_streak=longest_streak,
            reflections_logged=reflections_logged,
            tasks_completed=tasks_completed,
            today=today,
        )

        return report_summary
