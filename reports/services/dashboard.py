"""The SOP dashboard: for each step of the SOP in force, what waits there
now, what waits longer than the SOP allows and who holds it, and how long
the step took over a date range.

How long a step took is read from the stage events. An event with step N
completes step N for its candidate; the candidate became ready for step N
with its previous event (the one that moved it into the status step N starts
from), whose time each event keeps as ``ready_at``. So the time taken is the
event's ``at`` minus its ``ready_at``.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import floor
from typing import Any

from django.db import connection, models
from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import SOP, Executor, Period, SOPStep
from students.models import WAITING_AT_STEP, Candidate, StageEvent

from ..models import Holiday
from ..worktime import (
    WorkingCalendar,
    local_day_bounds,
    sql_local_day,
    sql_local_second,
)
from . import memo, sql

logger = logging.getLogger(__name__)

# How many of the longest-waiting candidates the overdue list names per step.
OVERDUE_NAMED = 10


class Measure(models.TextChoices):
    WORKING = "kerja", _("Jam kerja")
    ELAPSED = "kalender", _("Waktu kalender")


class Holder(models.TextChoices):
    SCHOOL = "school", _("Sekolah")
    DINAS = "dinas", _("Dinas")
    BANK = "bank", _("Bank Kalsel")


def holder_of(step: SOPStep, period: Period) -> Holder:
    """Who holds an item waiting at ``step``: the SOP's executor, with the
    handover (step 7) done by the school or the Dinas as the period says."""
    if step.executor == Executor.SCHOOL_OPERATOR:
        return Holder.SCHOOL
    if step.executor == Executor.DINAS:
        return Holder.DINAS
    if step.executor == Executor.BANK:
        return Holder.BANK
    if period.handover_by == Period.HandoverBy.SCHOOL:
        return Holder.SCHOOL
    return Holder.DINAS


def statuses_waiting_at(step: int) -> list[str]:
    return [status for status, waiting in WAITING_AT_STEP.items() if waiting == step]


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """The value below which ``fraction`` of the sorted values lie,
    interpolated between neighbours as PostgreSQL's percentile_cont does."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class StepStats:
    """Times taken by one step over a date range, in seconds."""

    count: int
    median: float | None
    p90: float | None
    within: int

    @property
    def share_within(self) -> float | None:
        return self.within / self.count if self.count else None


def calendar() -> WorkingCalendar:
    return WorkingCalendar(Holiday.objects.days())


def _durations_sql(
    steps: list[int],
    start: datetime,
    end: datetime,
    measure: Measure,
    work: WorkingCalendar,
) -> tuple[str, list[Any]]:
    """SQL for (step, seconds taken) of every step completed in [start, end).

    Each event carries when its candidate became ready for the step
    (``ready_at``), so the (step, at) index finds the range and, on
    PostgreSQL, holds every column read. The computed columns sit behind an
    optimisation fence because the planner would otherwise inline them and
    repeat the epoch arithmetic at every use in the working-time formula
    (measured: a third of the time).
    """
    event = sql.table(StageEvent)
    e_step, e_at = sql.column(StageEvent, "step"), sql.column(StageEvent, "at")
    e_ready = sql.column(StageEvent, "ready_at")
    listed = ", ".join(str(int(step)) for step in steps) or "NULL"

    if measure == Measure.ELAPSED:
        seconds, source = "done_s - ready_s", "taken"
    else:
        done = work.sql_index("done_day", "done_second", connection.vendor)
        ready = work.sql_index("ready_day", "ready_second", connection.vendor)
        seconds = f"{done} - {ready}"
        source = f"""(
            SELECT step,
                   {sql_local_day("done_s")} AS done_day,
                   {sql_local_second("done_s")} AS done_second,
                   {sql_local_day("ready_s")} AS ready_day,
                   {sql_local_second("ready_s")} AS ready_second
            FROM taken
        ) local"""  # noqa: S608

    # Only identifiers from the models' metadata and numbers computed here are
    # written into the text; every value is a parameter.
    statement = f"""
        WITH taken AS (
            SELECT {e_step} AS step,
                   {sql.epoch_seconds(e_at)} AS done_s,
                   {sql.epoch_seconds(e_ready)} AS ready_s
            FROM {event}
            WHERE {e_step} IN ({listed}) AND {e_at} >= %s AND {e_at} < %s
              AND {e_ready} IS NOT NULL
            {sql.fence()}
        )
        SELECT step, {seconds} AS seconds FROM {source}
    """  # noqa: S608
    return statement, [sql.timestamp(start), sql.timestamp(end)]


def step_times(
    start: datetime,
    end: datetime,
    *,
    measure: Measure,
    targets: dict[int, int],
    work: WorkingCalendar | None = None,
) -> dict[int, StepStats]:
    """Per step, the count, median, 90th percentile and number within target
    of the times taken by the steps completed in [start, end), whatever the
    programme period of the candidate: the SOP's performance over that time.

    ``targets`` gives each step's target in seconds. One query: on
    PostgreSQL the percentiles are computed by percentile_cont; elsewhere
    the database returns only the durations, sorted, and the percentiles
    are taken from them here.
    """
    work = work or calendar()
    inputs = (start, end, measure.value, sorted(targets.items()), work.holidays)
    return memo.remember(
        "step-times", inputs, lambda: _step_times(start, end, measure, targets, work)
    )


def _step_times(
    start: datetime,
    end: datetime,
    measure: Measure,
    targets: dict[int, int],
    work: WorkingCalendar,
) -> dict[int, StepStats]:
    durations, params = _durations_sql(list(targets), start, end, measure, work)

    if connection.vendor == "postgresql":
        target = " ".join(f"WHEN {int(s)} THEN {int(t)}" for s, t in targets.items())
        within = f"CASE step {target} ELSE NULL END" if targets else "NULL"
        statement = f"""
            SELECT step, COUNT(*),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY seconds),
                   COUNT(*) FILTER (WHERE seconds <= {within})
            FROM ({durations}) d GROUP BY step
        """  # noqa: S608
        with sql.aggregate_settings():
            rows = sql.fetch(statement, params)
        return {
            step: StepStats(count, cuts[0], cuts[1], within_count)
            for step, count, cuts, within_count in rows
        }

    by_step: dict[int, list[float]] = defaultdict(list)
    for step, seconds in sql.fetch(f"{durations} ORDER BY step, seconds", params):
        by_step[step].append(seconds)
    stats = {}
    for step, values in by_step.items():
        limit = targets.get(step)
        inside = sum(1 for v in values if limit is not None and v <= limit)
        stats[step] = StepStats(
            len(values), percentile(values, 0.5), percentile(values, 0.9), inside
        )
    return stats


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime | None


def waiting_now(period: Period) -> dict[int, Waiting]:
    """Per step, the candidates waiting there and since when the longest
    waiting one has waited, from the candidates' statuses alone."""
    rows = (
        Candidate.objects.filter(period=period, status__in=WAITING_AT_STEP)
        .values("status")
        .annotate(count=Count("pk"), oldest=Min("status_changed_at"))
        .order_by()
    )
    counts: dict[int, int] = defaultdict(int)
    oldest: dict[int, datetime] = {}
    for row in rows:
        step = WAITING_AT_STEP[row["status"]]
        counts[step] += row["count"]
        if step not in oldest or row["oldest"] < oldest[step]:
            oldest[step] = row["oldest"]
    return {step: Waiting(counts[step], oldest.get(step)) for step in counts}


@dataclass(frozen=True)
class SchoolOverdue:
    school: str
    count: int
    oldest: datetime


@dataclass(frozen=True)
class OverdueCandidate:
    name: str
    school: str
    since: datetime
    waited: int


@dataclass
class OverdueStep:
    step: int
    count: int = 0
    schools: list[SchoolOverdue] = field(default_factory=list)
    named: list[OverdueCandidate] = field(default_factory=list)


def overdue_thresholds(
    targets: dict[int, int], now: datetime, measure: Measure, work: WorkingCalendar
) -> dict[int, datetime]:
    """Per step, the moment before which an item that became ready has
    waited longer than the target by ``now``."""
    if measure == Measure.ELAPSED:
        return {step: now - timedelta(seconds=s) for step, s in targets.items()}
    return {step: work.overdue_before(now, s) for step, s in targets.items()}


def overdue(
    period: Period,
    thresholds: dict[int, datetime],
    *,
    now: datetime,
    measure: Measure,
    work: WorkingCalendar,
) -> dict[int, OverdueStep]:
    """Per step, the candidates waiting longer than the target: how many,
    at which schools, and the longest waiting of them by name.

    Two queries: counts by status and school, and a window that ranks the
    overdue candidates of each step by how long they have waited.
    """
    late = Q(pk__in=[])
    for step, before in thresholds.items():
        late |= Q(status__in=statuses_waiting_at(step), status_changed_at__lt=before)
    waiting = Candidate.objects.filter(period=period).filter(late)
    steps = {step: OverdueStep(step) for step in thresholds}

    rows = (
        waiting.values("status", "school_id", "school__name")
        .annotate(count=Count("pk"), oldest=Min("status_changed_at"))
        .order_by()
    )
    # A step may span two statuses: add up each school's rows.
    schools: dict[int, dict[int, SchoolOverdue]] = defaultdict(dict)
    for row in rows:
        step = WAITING_AT_STEP[row["status"]]
        steps[step].count += row["count"]
        seen = schools[step].get(row["school_id"])
        schools[step][row["school_id"]] = SchoolOverdue(
            row["school__name"],
            row["count"] + (seen.count if seen else 0),
            min(row["oldest"], seen.oldest) if seen else row["oldest"],
        )
    for step, by_school in schools.items():
        steps[step].schools = sorted(
            by_school.values(), key=lambda s: (-s.count, s.oldest)
        )

    step_of = Case(
        *[
            When(status__in=statuses_waiting_at(step), then=Value(step))
            for step in thresholds
        ],
        output_field=IntegerField(),
    )
    named = (
        waiting.annotate(
            waiting_step=step_of,
            rank=Window(
                RowNumber(),
                partition_by=[step_of],
                order_by=[F("status_changed_at").asc(), F("pk").asc()],
            ),
        )
        .filter(rank__lte=OVERDUE_NAMED)
        .values("waiting_step", "student__name", "school__name", "status_changed_at")
        .order_by("waiting_step", "status_changed_at")
    )
    for item in named:
        since = item["status_changed_at"]
        waited = (
            int((now - since).total_seconds())
            if measure == Measure.ELAPSED
            else work.seconds_between(since, now)
        )
        steps[item["waiting_step"]].named.append(
            OverdueCandidate(item["student__name"], item["school__name"], since, waited)
        )
    return steps


@dataclass(frozen=True)
class StepRow:
    step: SOPStep
    holder: Holder
    target_seconds: int
    waiting: Waiting
    oldest_waited: int | None
    stats: StepStats | None
    overdue: OverdueStep

    @property
    def oldest_missed(self) -> bool:
        return (
            self.oldest_waited is not None and self.oldest_waited > self.target_seconds
        )

    @property
    def median_missed(self) -> bool:
        median = self.stats.median if self.stats else None
        return median is not None and median > self.target_seconds

    @property
    def p90_missed(self) -> bool:
        p90 = self.stats.p90 if self.stats else None
        return p90 is not None and p90 > self.target_seconds


@dataclass(frozen=True)
class Dashboard:
    sop: SOP
    period: Period
    first_day: date
    last_day: date
    measure: Measure
    now: datetime
    rows: list[StepRow]

    @property
    def overdue_total(self) -> int:
        return sum(row.overdue.count for row in self.rows)


def build_dashboard(
    period: Period,
    first_day: date,
    last_day: date,
    *,
    measure: Measure,
    now: datetime,
) -> Dashboard:
    """Everything the dashboard page shows, in a fixed number of queries;
    kept for the rest of the minute while no candidate moves, since the
    waiting times it shows count in minutes."""
    minute = now.replace(second=0, microsecond=0)
    return memo.remember(
        "dashboard",
        (period.pk, first_day, last_day, measure.value, minute),
        lambda: _build_dashboard(period, first_day, last_day, measure, now),
    )


def _build_dashboard(
    period: Period, first_day: date, last_day: date, measure: Measure, now: datetime
) -> Dashboard:
    started = time.monotonic()
    sop = SOP.objects.in_force()
    steps = list(sop.steps.all())
    targets = {step.number: step.minutes * 60 for step in steps}
    work = calendar()
    start, end = local_day_bounds(first_day, last_day)

    stats = step_times(start, end, measure=measure, targets=targets, work=work)
    waiting = waiting_now(period)
    thresholds = overdue_thresholds(targets, now, measure, work)
    late = overdue(period, thresholds, now=now, measure=measure, work=work)

    rows = []
    for step in steps:
        here = waiting.get(step.number, Waiting(0, None))
        oldest_waited = None
        if here.oldest is not None:
            oldest_waited = (
                int((now - here.oldest).total_seconds())
                if measure == Measure.ELAPSED
                else work.seconds_between(here.oldest, now)
            )
        rows.append(
            StepRow(
                step=step,
                holder=holder_of(step, period),
                target_seconds=targets[step.number],
                waiting=here,
                oldest_waited=oldest_waited,
                stats=stats.get(step.number),
                overdue=late[step.number],
            )
        )
    logger.debug(
        "SOP dashboard for period %s built in %.0f ms",
        period.pk,
        (time.monotonic() - started) * 1000,
    )
    return Dashboard(sop, period, first_day, last_day, measure, now, rows)
