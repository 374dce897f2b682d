"""Measure the DTKS matching through the database on a generated district."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from students.dtks.engine import match_students, with_family_mothers
from students.dtks.quality import quality_report
from students.dtks.services.matching import match_selected
from students.dtks.services.synthetic_district import store_district, stored_results
from students.dtks.synthetic import make_district


class _Discard(Exception):
    """Rolls the generated district back out of the database."""


class Command(BaseCommand):
    help = (
        "Generate a labelled district, store its schools, students and register "
        "through the real import, match through the database and print the "
        "precision, recall and review share per kind of flaw. Everything is "
        "rolled back at the end unless --keep."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--students", type=int, default=2000)
        parser.add_argument("--people", type=int)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--parts", type=int, default=1)
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        district = make_district(
            options["students"], options["people"], options["seed"]
        )
        self.stdout.write(
            f"{len(district.students)} students against {len(district.people)} "
            f"register people (seed {options['seed']}), through the database"
        )
        try:
            with transaction.atomic():
                self._measure(district, options)
                if not options["keep"]:
                    raise _Discard
        except _Discard:
            self.stdout.write("(the generated district was rolled back)")

    def _measure(self, district: Any, options: dict[str, Any]) -> None:
        stored = store_district(district)
        assert stored.snapshot is not None  # noqa: S101 - store_district imports it
        started = time.perf_counter()
        match_selected(
            stored.students.values(), snapshot=stored.snapshot, parts=options["parts"]
        )
        elapsed = time.perf_counter() - started
        results = stored_results(stored)

        self.stdout.write(quality_report(results, district.truth).as_text())
        in_memory = match_students(
            district.students, with_family_mothers(district.people)
        )
        same = [_outcome(r) for r in results] == [_outcome(r) for r in in_memory]
        self.stdout.write(
            f"matched in {elapsed:.1f} s in {options['parts']} part(s); "
            f"results {'identical to' if same else 'DIFFERENT from'} the "
            "in-memory engine"
        )


def _outcome(result: Any) -> tuple[Any, ...]:
    return (
        result.student_key,
        str(result.decision),
        result.person_key,
        str(result.method),
        result.score,
        [candidate.person_key for candidate in result.candidates],
    )
