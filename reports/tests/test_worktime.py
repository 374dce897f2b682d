"""The working-time clock: Monday–Friday 08:00–16:00 WITA without holidays,
in Python and in SQL alike."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.worktime import (
    DAY_END,
    DAY_START,
    WITA,
    WorkingCalendar,
    local_day_bounds,
    sql_local_day,
    sql_local_second,
)

from .factories import wita

# 17 August 2026, a Monday, is Independence Day.
HOLIDAYS = [date(2026, 8, 17), date(2026, 12, 25), date(2026, 8, 22)]
CALENDAR = WorkingCalendar(HOLIDAYS)


def brute_force(start: datetime, end: datetime, holidays: list[date]) -> int:
    """Working seconds between two moments, day by day: the reference the
    closed form is checked against."""
    total = 0
    day = start.astimezone(WITA).date()
    while day <= end.astimezone(WITA).date():
        if day.weekday() < 5 and day not in holidays:
            opens = datetime(day.year, day.month, day.day, tzinfo=WITA)
            low = max(start, opens + timedelta(seconds=DAY_START))
            high = min(end, opens + timedelta(seconds=DAY_END))
            if high > low:
                total += int(high.timestamp()) - int(low.timestamp())
        day += timedelta(days=1)
    return total


def test_working_time_within_one_morning() -> None:
    assert (
        CALENDAR.seconds_between(wita(2026, 8, 11, 9), wita(2026, 8, 11, 10, 30))
        == 5400
    )


def test_working_time_skips_the_weekend() -> None:
    friday, monday = wita(2026, 8, 7, 15), wita(2026, 8, 10, 9)

    assert CALENDAR.seconds_between(friday, monday) == 2 * 3600


def test_working_time_skips_a_holiday_after_a_weekend() -> None:
    # Friday 15:00 to Tuesday 09:00 across Independence Day on the Monday.
    friday, tuesday = wita(2026, 8, 14, 15), wita(2026, 8, 18, 9)

    assert CALENDAR.seconds_between(friday, tuesday) == 2 * 3600


def test_time_outside_office_hours_counts_nothing() -> None:
    evening, early = wita(2026, 8, 11, 17), wita(2026, 8, 12, 7, 30)

    assert CALENDAR.seconds_between(evening, early) == 0


def test_a_holiday_on_a_saturday_changes_nothing() -> None:
    # 22 August 2026 is a Saturday.
    without = WorkingCalendar([])

    assert CALENDAR.seconds_between(
        wita(2026, 8, 21, 12), wita(2026, 8, 24, 12)
    ) == without.seconds_between(wita(2026, 8, 21, 12), wita(2026, 8, 24, 12))


moments = st.datetimes(
    min_value=datetime(2026, 7, 1),  # noqa: DTZ001 - made aware below
    max_value=datetime(2027, 1, 31),  # noqa: DTZ001
    timezones=st.just(WITA),
)


@settings(max_examples=300, deadline=None)
@given(start=moments, length=st.integers(min_value=0, max_value=40 * 86400))
def test_closed_form_matches_counting_day_by_day(start: datetime, length: int) -> None:
    start = start.replace(microsecond=0)
    end = start + timedelta(seconds=length)

    assert CALENDAR.seconds_between(start, end) == brute_force(start, end, HOLIDAYS)


@settings(max_examples=300, deadline=None)
@given(now=moments, seconds=st.integers(min_value=1, max_value=20 * 8 * 3600))
def test_overdue_threshold_is_exactly_the_target_before_now(
    now: datetime, seconds: int
) -> None:
    threshold = CALENDAR.overdue_before(now, seconds)

    assert CALENDAR.seconds_between(threshold, now) == seconds
    assert CALENDAR.seconds_between(threshold - timedelta(seconds=1), now) > seconds


def test_local_day_bounds_are_wita_midnights() -> None:
    start, end = local_day_bounds(date(2026, 8, 1), date(2026, 8, 31))

    assert start == wita(2026, 8, 1)
    assert end == wita(2026, 9, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        wita(2026, 8, 14, 15, 30),
        wita(2026, 8, 15, 10),
        wita(2026, 8, 17, 9),
        wita(2026, 8, 18, 7, 59),
        wita(2026, 8, 18, 16, 1),
        wita(2026, 12, 24, 23, 59),
        wita(2026, 12, 28, 8, 0),
    ],
)
def test_sql_index_agrees_with_python(moment: datetime) -> None:
    epoch = int(moment.timestamp())
    expression = CALENDAR.sql_index("d", "s", connection.vendor)
    local = f"SELECT {sql_local_day('e')} AS d, {sql_local_second('e')} AS s"
    sql = f"SELECT {expression} FROM ({local} FROM (SELECT %s AS e) x) y"  # noqa: S608

    with connection.cursor() as cursor:
        cursor.execute(sql, [epoch])
        (index,) = cursor.fetchone()

    assert index == CALENDAR.index(moment)
