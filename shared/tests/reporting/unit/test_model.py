"""Streaks over local days, mood averages, the summary's windows and the daily report's ranges and rows."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.reporting.model import MAX_RANGE_DAYS, Day, Reflection, average, check_range, daily, streaks, summarize

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 11, 27)
day_sets = st.sets(st.integers(-60, 0).map(lambda n: TODAY + dt.timedelta(days=n)), max_size=40)


def days_ago(*offsets: int) -> set[dt.date]:
    return {TODAY - dt.timedelta(days=n) for n in offsets}


@pytest.mark.parametrize(
    ("days", "current", "longest"),
    [
        (set(), 0, 0),
        (days_ago(0), 1, 1),
        (days_ago(1), 1, 1),  # today is not over: yesterday's streak still holds
        (days_ago(2), 0, 1),
        (days_ago(0, 1, 2, 5, 6, 7, 8), 3, 4),
        (days_ago(1, 2, 3), 3, 3),
    ],
)
def test_streaks(days: set[dt.date], current: int, longest: int) -> None:
    assert (streaks(days, today=TODAY).current, streaks(days, today=TODAY).longest) == (current, longest)


@given(day_sets)
def test_the_current_streak_never_exceeds_the_longest(days: set[dt.date]) -> None:
    found = streaks(days, today=TODAY)
    assert 0 <= found.current <= found.longest <= len(days)


@given(day_sets, st.randoms())
def test_order_and_duplicates_do_not_matter(days: set[dt.date], rng) -> None:
    shuffled = list(days) * 2
    rng.shuffle(shuffled)
    assert streaks(shuffled, today=TODAY) == streaks(days, today=TODAY)


@given(day_sets)
def test_completing_today_extends_the_current_streak_by_one(days: set[dt.date]) -> None:
    before = streaks(days - {TODAY}, today=TODAY)
    after = streaks(days | {TODAY}, today=TODAY)
    yesterday = TODAY - dt.timedelta(days=1)
    yesterday_run = before.current if yesterday in days else 0  # the run that ends exactly yesterday
    assert after.current == yesterday_run + 1
    assert after.longest >= before.longest


def test_a_change_of_time_zone_keeps_the_recorded_days() -> None:
    # Completions recorded on 25 and 26 Nov (Paris); the user flies to Tokyo where it is already the 27th
    # and completes again: three local days in a row, whatever zone each was recorded in.
    assert streaks(days_ago(2, 1, 0), today=TODAY).current == 3


def test_averages() -> None:
    assert average([]) is None
    assert average([4, 5, 5]) == 4.67


@pytest.mark.parametrize(
    ("first", "last", "ok"),
    [
        (TODAY, TODAY, True),
        (TODAY, TODAY - dt.timedelta(days=1), False),
        (TODAY, TODAY + dt.timedelta(days=MAX_RANGE_DAYS - 1), True),
        (TODAY, TODAY + dt.timedelta(days=MAX_RANGE_DAYS), False),
    ],
)
def test_ranges(first: dt.date, last: dt.date, ok: bool) -> None:
    assert (check_range(first, last) is None) is ok


def test_the_summary_averages_the_last_7_and_30_local_days() -> None:
    back_and_mood = ((0, 5), (6, 3), (7, 1), (30, 1))
    moods = [Reflection(f"r{back}", TODAY - dt.timedelta(days=back), mood) for back, mood in back_and_mood]
    found = summarize({TODAY: 2, TODAY - dt.timedelta(days=1): 1}, moods, reflections_logged=9, today=TODAY)
    assert (found.average_mood_7d, found.average_mood_30d) == (4.0, 3.0)  # 30 days back is the 31st day: in neither
    assert (found.streaks.current, found.tasks_completed, found.reflections_logged) == (2, 3, 9)


def test_daily_rows_count_completions_and_moods_per_day() -> None:
    other = TODAY - dt.timedelta(days=1)
    rows = daily([other, TODAY], {TODAY: 2}, [Reflection("a", TODAY, 4), Reflection("b", TODAY, 5)])
    assert rows == [Day(other, 0, ()), Day(TODAY, 2, (4, 5))]
    assert rows[1].to_json() == {"date": "2026-11-27", "tasksCompleted": 2, "reflectionsLogged": 2, "averageMood": 4.5}
