"""Write the DTKS matches as a CSV file, one row per listed student."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.dtks.models import Snapshot
from students.dtks.review import latest_snapshot
from students.dtks.services.export import write_matches_csv


class Command(BaseCommand):
    help = (
        "Write FILE.csv with the columns npsn, nisn, nik, dtks_id, decision, "
        "method, score: one row per listed student, matched against the newest "
        "snapshot (or --snapshot ID). The file holds NIKs: keep it safe."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--snapshot", type=int, help="id of the snapshot")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["snapshot"]:
            snapshot = Snapshot.objects.filter(
                pk=options["snapshot"], is_complete=True
            ).first()
        else:
            snapshot = latest_snapshot()
        if snapshot is None:
            raise CommandError(_("Snapshot DTKS tidak ditemukan."))

        path: Path = options["file"]
        with path.open("w", encoding="utf-8", newline="") as stream:
            path.chmod(0o600)
            written = write_matches_csv(snapshot, stream)
        self.stdout.write(
            _("%(count)s siswa ditulis ke %(path)s (snapshot %(label)s).")
            % {"count": written, "path": path, "label": snapshot.label}
        )
