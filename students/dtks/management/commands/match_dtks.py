"""Match students against the newest DTKS snapshot, here and now."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.dtks.services.matching import match_listed
from students.models import School


class Command(BaseCommand):
    help = (
        "Match the listed students of one school (--school NPSN), or of every "
        "school, against the newest complete DTKS snapshot, and print the "
        "count of each decision."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", help="NPSN of the school")
        parser.add_argument(
            "--parts",
            type=int,
            default=1,
            help="match in this many parts by kecamatan (the results are the same)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school_id = None
        if options["school"]:
            school = School.objects.filter(npsn=options["school"]).first()
            if school is None:
                raise CommandError(_("Sekolah dengan NPSN itu tidak ditemukan."))
            school_id = school.pk
        if options["parts"] < 1:
            raise CommandError(_("--parts harus 1 atau lebih."))

        counts = match_listed(school_id, parts=options["parts"])
        if counts is None:
            raise CommandError(_("Belum ada snapshot DTKS yang selesai diimpor."))
        self.stdout.write(f"matched   {counts.matched}")
        self.stdout.write(f"review    {counts.review}")
        self.stdout.write(f"unmatched {counts.unmatched}")
        self.stdout.write(f"total     {counts.students}")
