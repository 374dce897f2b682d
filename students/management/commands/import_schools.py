from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from students.services.schools import import_schools


class Command(BaseCommand):
    help = (
        "Create or update schools from a .csv or .xlsx file with the columns "
        "npsn, name, jenjang, status, kecamatan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        result = import_schools(file)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError("nothing imported")
        self.stdout.write(f"{result.created} created, {result.updated} updated")
