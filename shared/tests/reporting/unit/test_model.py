"""Streaks over local days, mood averages and the daily report's ranges."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.reporting.model import MAX_RANGE_DAYS, average, check_range, streaks

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
def test_order_and_duplicates_do_not_matter(days: set[dt.date], rng) -> None:  # type: ignore[no-untyped-def]
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
    [(TODAY, TODAY, True), (TODAY, TODAY - dt.timedelta(days=1), False),
     (TODAY, TODAY + dt.timedelta(days=MAX_RANGE_DAYS - 1), True),
     (TODAY, TODAY + dt.timedelta(days=MAX_RANGE_DAYS), False)],
)  # fmt: skip
def test_ranges(first: dt.date, last: dt.date, ok: bool) -> None:
    assert (check_range(first, last) is None) is ok
