"""How long each SOP step took, from the stage events: elapsed and working
time, across a weekend and a holiday, with percentiles as PostgreSQL's
percentile_cont computes them."""

from datetime import date, timedelta

import pytest
from django.db import connection

from balangan_pintar.models import Period
from reports.services.dashboard import Measure, StepStats, percentile, step_times
from reports.worktime import local_day_bounds
from students.models import School, Status

from .factories import candidate_with_history, wita

TARGETS = {1: 900, 2: 300, 3: 900, 4: 600, 5: 600, 6: 600, 7: 300}


@pytest.fixture
def histories(school_a: School, school_b: School, period: Period) -> None:
    # Listed on a Friday afternoon, chosen the Tuesday after the long
    # weekend of Independence Day (Monday 17 August 2026), then sent and
    # approved within minutes.
    candidate_with_history(
        school_a,
        period,
        wita(2026, 8, 14, 15),
        [
            (Status.DRAFT, wita(2026, 8, 18, 9)),
            (Status.SUBMITTED, wita(2026, 8, 18, 9, 4)),
            (Status.APPROVED, wita(2026, 8, 18, 9, 14)),
        ],
    )
    # Sent late on a Monday, returned the next morning, sent again and
    # approved.
    candidate_with_history(
        school_b,
        period,
        wita(2026, 8, 10, 8),
        [
            (Status.DRAFT, wita(2026, 8, 10, 8, 10)),
            (Status.SUBMITTED, wita(2026, 8, 10, 15, 50)),
            (Status.RETURNED, wita(2026, 8, 11, 8, 20)),
            (Status.SUBMITTED, wita(2026, 8, 11, 9)),
            (Status.APPROVED, wita(2026, 8, 11, 9, 10)),
        ],
    )


def times(first: date, last: date, measure: Measure) -> dict[int, StepStats]:
    start, end = local_day_bounds(first, last)
    return step_times(start, end, measure=measure, targets=TARGETS)


def test_percentile_interpolates_like_percentile_cont() -> None:
    values = [60.0, 120.0, 300.0, 900.0, 3600.0]

    assert percentile(values, 0.5) == 300
    assert percentile(values, 0.9) == pytest.approx(2520)
    assert percentile([42.0], 0.9) == 42
    assert percentile([], 0.5) is None


@pytest.mark.usefixtures("histories")
def test_elapsed_time_counts_nights_weekends_and_holidays() -> None:
    stats = times(date(2026, 8, 1), date(2026, 8, 31), Measure.ELAPSED)

    # Step 1: Friday 15:00 to Tuesday 09:00 is 90 hours; the other 10 min.
    assert stats[1].count == 2
    assert stats[1].median == pytest.approx((324_000 + 600) / 2)
    assert stats[1].p90 == pytest.approx(600 + 0.9 * 323_400)
    assert stats[1].within == 1
    # Step 3 includes the return (Monday 15:50 to Tuesday 08:20).
    assert stats[3].count == 3
    assert stats[3].median == 600
    assert stats[3].p90 == pytest.approx(600 + 0.8 * 58_800)


@pytest.mark.usefixtures("histories")
def test_working_time_skips_the_long_weekend() -> None:
    stats = times(date(2026, 8, 1), date(2026, 8, 31), Measure.WORKING)

    # Friday 15:00–16:00 and Tuesday 08:00–09:00: two working hours.
    assert stats[1].median == pytest.approx((7200 + 600) / 2)
    assert stats[1].p90 == pytest.approx(600 + 0.9 * 6600)
    # The return: 15:50–16:00 on Monday and 08:00–08:20 on Tuesday.
    assert stats[3].median == 600
    assert stats[3].p90 == pytest.approx(600 + 0.8 * 1200)
    assert stats[3].within == 2


@pytest.mark.usefixtures("histories")
def test_a_resubmission_counts_as_a_second_step_two() -> None:
    stats = times(date(2026, 8, 1), date(2026, 8, 31), Measure.ELAPSED)

    assert stats[2].count == 3
    assert stats[2].median == 2400
    assert stats[2].within == 1


@pytest.mark.usefixtures("histories")
def test_the_ready_moment_may_lie_before_the_range() -> None:
    stats = times(date(2026, 8, 18), date(2026, 8, 31), Measure.ELAPSED)

    assert stats[1].count == 1
    assert stats[1].median == 324_000
    assert set(stats) == {1, 2, 3}


@pytest.mark.usefixtures("histories")
def test_steps_completed_outside_the_range_are_left_out() -> None:
    assert times(date(2026, 9, 1), date(2026, 9, 30), Measure.ELAPSED) == {}


@pytest.mark.usefixtures("histories")
def test_share_within_target() -> None:
    stats = times(date(2026, 8, 1), date(2026, 8, 31), Measure.WORKING)

    assert stats[3].share_within == pytest.approx(2 / 3)


def test_percentiles_come_from_the_database_on_postgresql(
    school_a: School, period: Period
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's; SQLite uses the fallback")
    for minutes in (1, 2, 5, 15, 60):
        candidate_with_history(
            school_a,
            period,
            wita(2026, 8, 3, 8),
            [
                (Status.DRAFT, wita(2026, 8, 3, 9)),
                (Status.SUBMITTED, wita(2026, 8, 3, 9, 10)),
                (Status.APPROVED, wita(2026, 8, 3, 9, 10) + timedelta(minutes=minutes)),
            ],
        )

    stats = times(date(2026, 8, 1), date(2026, 8, 31), Measure.ELAPSED)

    assert stats[3].median == 300
    assert stats[3].p90 == pytest.approx(2520)
