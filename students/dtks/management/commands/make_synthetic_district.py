"""Generate a labelled synthetic district (students.dtks.synthetic) and write
it into the database and/or files."""

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.dtks.services.synthetic_district import (
    import_people,
    store_students,
    write_register,
)
from students.dtks.synthetic import KIND_DESCRIPTIONS, make_district


class Command(BaseCommand):
    help = (
        "Generate a district with the flaws real data has (missing and mistyped "
        "NIKs, name and birth date variants, look-alikes, students not in the "
        "register) and write it: --database stores its schools (NPSN 69…) and "
        "students, --import stores its register as a new DTKS snapshot, "
        "--register FILE.csv writes the register as a DTKS extract, --truth "
        "FILE.csv writes each student's true register person and kind of flaw."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--students", type=int, default=2000)
        parser.add_argument(
            "--people", type=int, help="register size (default 3.3 per student)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database", action="store_true")
        parser.add_argument("--import", dest="import_", action="store_true")
        parser.add_argument("--register", type=Path)
        parser.add_argument("--truth", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = ("database", "import_", "register", "truth")
        if not any(options[name] for name in wanted):
            raise CommandError(
                _("Pilih keluaran: --database, --import, --register atau --truth.")
            )
        district = make_district(
            options["students"], options["people"], options["seed"]
        )
        self.stdout.write(
            f"{len(district.students)} students, {len(district.people)} register "
            f"people, {len(district.kecamatan)} kecamatan (seed {options['seed']})"
        )

        if options["database"]:
            ids = store_students(district)
            self.stdout.write(f"{len(ids)} students stored in schools 69…")
        if options["import_"]:
            snapshot = import_people(
                district.people, label=f"DTKS contoh (seed {options['seed']})"
            )
            self.stdout.write(
                f"snapshot {snapshot.pk}: {snapshot.row_count} people, "
                f"{snapshot.problem_count} problems"
            )
        if options["register"]:
            write_register(district.people, options["register"])
            self.stdout.write(f"register written to {options['register']}")
        if options["truth"]:
            with options["truth"].open("w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(["nisn", "dtks_id", "kind", "description"])
                for key, truth in sorted(district.truth.items()):
                    person = truth.person_key
                    writer.writerow(
                        [
                            f"{key:010d}",
                            str(3_000_000_000 + person) if person else "",
                            truth.kind,
                            KIND_DESCRIPTIONS[truth.kind],
                        ]
                    )
            self.stdout.write(f"truth written to {options['truth']}")
