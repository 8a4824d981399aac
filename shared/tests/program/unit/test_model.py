"""Which task is due on which local day, and the user's local day at an instant."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.platform.clock import local_date
from wellness.program.model import Enrollment, due_day, due_tasks, parse_task_id, task_id

pytestmark = pytest.mark.unit

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@given(start=dates, duration=st.integers(1, 60))
def test_each_day_of_a_program_is_due_exactly_once_on_consecutive_days(start: dt.date, duration: int) -> None:
    window = [start + dt.timedelta(days=i) for i in range(-3, duration + 3)]
    due = [(d, due_day(start, duration, d)) for d in window]
    assert [day for _, day in due if day is not None] == list(range(1, duration + 1))
    assert all(day is None for d, day in due if d < start or d >= start + dt.timedelta(days=duration))


def test_a_daylight_saving_change_neither_skips_nor_repeats_a_day() -> None:
    start = dt.date(2026, 3, 28)  # Europe/Paris springs forward on 29 March 2026
    assert [due_day(start, 7, start + dt.timedelta(days=i)) for i in range(3)] == [1, 2, 3]


def test_due_tasks_follow_each_enrollment() -> None:
    today = dt.date(2026, 11, 27)
    enrollments = [
        Enrollment("sleep-10", today - dt.timedelta(days=2), 10),
        Enrollment("mindful-7", today - dt.timedelta(days=7), 7),
        Enrollment("move-14", today, 14),
    ]
    assert due_tasks(enrollments, today) == [("move-14", 1), ("sleep-10", 3)]  # mindful-7 has ended


@given(program=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True), day=st.integers(1, 9999))
def test_task_ids_round_trip(program: str, day: int) -> None:
    assert parse_task_id(task_id(program, day)) == (program, day)


@pytest.mark.parametrize("value", ["", "mindful-7", "mindful-7-d0", "mindful-7-dx", "Mindful-d1", "-d1"])
def test_what_is_not_a_task_id(value: str) -> None:
    assert parse_task_id(value) is None


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        ("2026-11-27T23:30:00+00:00", "UTC", "2026-11-27"),
        ("2026-11-27T23:30:00+00:00", "Europe/Paris", "2026-11-28"),  # already tomorrow in Paris
        ("2026-11-28T03:00:00+00:00", "America/New_York", "2026-11-27"),  # still yesterday in New York
        ("2026-03-29T01:30:00+00:00", "Europe/Paris", "2026-03-29"),  # just after the spring-forward gap
        ("2026-11-27T12:00:00+00:00", None, "2026-11-27"),  # no zone known yet: UTC
        ("2026-11-27T23:30:00+00:00", "Not/AZone", "2026-11-27"),
    ],
)
def test_the_local_day_at_an_instant(instant: str, zone: str | None, day: str) -> None:
    assert local_date(dt.datetime.fromisoformat(instant), zone).isoformat() == day
