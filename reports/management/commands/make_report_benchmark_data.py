"""Fill an empty database with invented data for benchmarks/reports_bench.py."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balangan_pintar.models import Period
from reports.synthetic import generate, settle
from students.models import Candidate


class Command(BaseCommand):
    help = (
        "Make invented schools, students, candidates and stage events for "
        "timing the SOP dashboard and the reports. For an empty test "
        "database only: it refuses a programme period that has candidates."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--candidates", type=int, default=100_000)
        parser.add_argument(
            "--schools", type=int, help="default: one per 300 candidates"
        )
        parser.add_argument("--weeks", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.objects.active()
        if period is None:
            period = Period.objects.create(year=2026, name="KBP 2026 (benchmark)")
        if Candidate.objects.filter(period=period).exists():
            raise CommandError(
                f"Period {period.year} already has candidates; use an empty "
                "database for benchmark data."
            )

        candidates: int = options["candidates"]
        made = generate(
            period,
            candidates=candidates,
            schools=options["schools"] or max(8, candidates // 300),
            weeks=options["weeks"],
            seed=options["seed"],
        )
        settle()

        self.stdout.write(
            f"{made.schools} schools, {made.students} students, "
            f"{made.candidates} candidates, {made.events} stage events "
            f"in {made.seconds:.1f} s"
        )
