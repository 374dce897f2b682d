"""Top the active programme period up to a number of candidates with invented
ones, for the load test (benchmarks/load_test.py).

``make_report_benchmark_data`` wants an empty period and ``load_demo`` makes
its year only into a period without candidates, so neither can add the
other's data. The load test needs both: the demo's objects made through the
services (uploads, submissions, DTKS reviews, bank batches, print runs,
cards) for the role pages to show, and the size of a large programme. This
command runs after ``load_demo`` and adds ``reports.synthetic`` schools,
pupils, candidates and stage events to the same period, then sends the
invented candidates that reached the Dinas in submissions of about 40 per
school, as schools do, so that the verifier's queue has a large programme's
submissions too.
"""

from argparse import ArgumentParser
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Min

from balangan_pintar.models import Period
from reports.synthetic import generate, next_pk, settle
from students.models import Candidate, StageEvent, Status, Submission


class Command(BaseCommand):
    help = (
        "Add invented schools, pupils, candidates (grouped into submissions) "
        "and stage events to the active period until it holds --total "
        "candidates. Run after load_demo, on a database made for load tests."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--total", type=int, default=100_000)
        parser.add_argument("--per-submission", type=int, default=40)
        parser.add_argument("--weeks", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.objects.active()
        if period is None:
            raise CommandError("No active period: run `manage.py load_demo` first.")
        existing = Candidate.objects.filter(period=period).count()
        missing = options["total"] - existing
        if missing <= 0:
            self.stdout.write(
                f"Period {period.year} already has {existing} candidates."
            )
            return

        with transaction.atomic():
            first_new = next_pk(Candidate)
            made = generate(
                period,
                candidates=missing,
                schools=max(8, missing // 300),
                weeks=options["weeks"],
                seed=options["seed"],
            )
            submissions = group_into_submissions(
                period, first_new, options["per_submission"]
            )
        settle()
        self.stdout.write(
            f"Added {made.schools} schools, {made.students} students, "
            f"{made.candidates} candidates in {submissions} submissions, "
            f"{made.events} stage events in {made.seconds:.1f} s; period "
            f"{period.year} now has {existing + made.candidates} candidates."
        )


def group_into_submissions(period: Period, first_candidate: int, size: int) -> int:
    """Put every candidate from ``first_candidate`` on that was ever sent to
    the Dinas into a submission of its school: in the order of first sending,
    ``size`` at a time, each submission dated at its last sending."""
    sent = (
        StageEvent.objects.filter(
            candidate_id__gte=first_candidate,
            candidate__period=period,
            to_status=Status.SUBMITTED,
        )
        .values("candidate_id", "candidate__school_id")
        .annotate(first=Min("at"), last=Max("at"))
        .order_by("candidate__school_id", "first", "candidate_id")
    )
    by_school: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for row in sent:
        by_school[row["candidate__school_id"]].append(
            (row["candidate_id"], row["last"])
        )

    groups: list[list[int]] = []
    submissions: list[Submission] = []
    for school_id, rows in by_school.items():
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            groups.append([candidate_id for candidate_id, _ in chunk])
            submissions.append(
                Submission(
                    school_id=school_id,
                    period=period,
                    submitted_at=max(at for _, at in chunk),
                )
            )
    Submission.objects.bulk_create(submissions, batch_size=2000)

    candidate_ids = [pk for group in groups for pk in group]
    submission_ids = [
        submission.pk
        for submission, group in zip(submissions, groups, strict=True)
        for _ in group
    ]
    if connection.vendor == "postgresql":
        # One statement instead of one UPDATE per candidate.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Candidate._meta.db_table} AS c "  # noqa: S608 - a model's table
                "SET submission_id = m.submission "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS m(candidate, submission) "
                "WHERE c.id = m.candidate",
                [candidate_ids, submission_ids],
            )
    else:
        for submission, group in zip(submissions, groups, strict=True):
            Candidate.objects.filter(pk__in=group).update(submission=submission)
    return len(submissions)
